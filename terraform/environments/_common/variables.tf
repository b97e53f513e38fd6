# Shared by every environment (symlinked into dev/ and prod/): the inputs are the same, only main.tf differs.
# What the operator sets per deployment (terraform.tfvars); the module validates each value.

# --- Google Cloud ---------------------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project id (also the Firebase project)."
  type        = string
}

variable "region" {
  description = "Region of the functions, queue, scheduler jobs and serverless NEGs."
  type        = string
  default     = "europe-west1"
}

variable "firestore_location" {
  description = "Firestore location: a multi-region (eur3, nam5) or a region. Fixed once the database exists."
  type        = string
  default     = "eur3"
}

variable "domain" {
  description = "Host name of the service, e.g. video.example.com: web app at /, API at /api."
  type        = string
}

# --- Firebase (web app sign-in) ------------------------------------------------------------------------

variable "firebase_api_key" {
  description = "Web API key of the Firebase project (public by design; it only identifies the project)."
  type        = string
}

variable "firebase_app_id" {
  description = "App id of the Firebase web app registered in the project."
  type        = string
}

variable "firebase_auth_domain" {
  description = "Firebase Auth domain; null means <project_id>.firebaseapp.com."
  type        = string
  default     = null
}

variable "google_sign_in" {
  description = "Offer \"Sign in with Google\" in the web app (enable the provider in Firebase Auth too)."
  type        = bool
  default     = false
}

# --- Cloudflare R2 ------------------------------------------------------------------------------------

variable "cloudflare_account_id" {
  description = "Cloudflare account id that owns the R2 bucket."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of the domain to create its A record; null when DNS is managed elsewhere."
  type        = string
  default     = null
}

variable "r2_bucket_name" {
  description = "R2 bucket for start images and results."
  type        = string
}

variable "r2_location" {
  description = "R2 location hint (wnam, enam, weur, eeur, apac, oc)."
  type        = string
  default     = "weur"
}

variable "r2_access_key_id" {
  description = "Access key id of the R2 API token the functions use (its secret goes to Secret Manager)."
  type        = string
}

# --- RunPod ---------------------------------------------------------------------------------------------

variable "runpod_endpoint_id" {
  description = "Id of the RunPod serverless endpoint running the worker image."
  type        = string
}

# --- TrueLayer and prices ------------------------------------------------------------------------------

variable "truelayer_client_id" {
  description = "TrueLayer client id."
  type        = string
}

variable "truelayer_signing_key_id" {
  description = "Key id TrueLayer assigned to the uploaded public signing key."
  type        = string
}

variable "truelayer_merchant_account_id" {
  description = "TrueLayer merchant account that receives payments."
  type        = string
}

variable "payment_currency" {
  description = "Settlement currency: GBP or EUR."
  type        = string
  default     = "GBP"
}

variable "payment_minor_per_usd_cent" {
  description = "Minor units of the settlement currency per US cent (decimal string)."
  type        = string
  default     = "0.80"
}

variable "payment_markup_percent" {
  description = "Price markup in percent for payment fees and FX spread."
  type        = number
  default     = 0
}

variable "gpu_cost_per_second_usd" {
  description = "GPU price per second in US dollars (decimal string) for the admin console."
  type        = string
  default     = "0.00116"
}

# --- Content moderation of create requests ---------------------------------------------------------------

variable "moderation_blocklist_terms" {
  description = "Terms refused in the prompt and the negative prompt (whole words of normalised text)."
  type        = list(string)
  default     = []
}

variable "moderation_text_thresholds" {
  description = "Natural Language moderation category => confidence (0..1) above which the prompt is refused."
  type        = map(number)
  default = {
    "Sexual"        = 0.8
    "Derogatory"    = 0.8
    "Violent"       = 0.8
    "Toxic"         = 0.8
    "Insult"        = 0.8
    "Illicit Drugs" = 0.8
  }
}

variable "moderation_image_likelihood" {
  description = "SafeSearch likelihood at or above which a start image is refused (VERY_UNLIKELY .. VERY_LIKELY)."
  type        = string
  default     = "LIKELY"
}

variable "moderation_fail_open" {
  description = "Let create requests through when the moderation APIs fail (false: refuse them with 503)."
  type        = bool
  default     = false
}

variable "moderation_timeout_sec" {
  description = "Timeout in seconds of each moderation API call (at most 30)."
  type        = number
  default     = 3
}

variable "moderation_max_refusals_per_hour" {
  description = "Refusals a user may have in one clock hour before create requests are turned away (429)."
  type        = number
  default     = 10
}

# --- Cloud Armor at the load balancer ------------------------------------------------------------------

variable "edge_rate_limit_requests" {
  description = "Requests per client IP and function backend that Cloud Armor lets through on /api/* per interval (over it: 429)."
  type        = number
  default     = 120
}

variable "edge_rate_limit_interval_sec" {
  description = "Interval in seconds of the Cloud Armor throttle (10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600)."
  type        = number
  default     = 60
}

# --- Alerts and the budget (modules/monitoring) -----------------------------------------------------------

variable "alert_email" {
  description = "Email address every alert and the budget notify (a Cloud Monitoring email channel)."
  type        = string
}

variable "server_error_ratio_percent" {
  description = "Alert when more than this percentage of the API's answers are 5xx for five minutes."
  type        = number
  default     = 2
}

variable "job_failure_ratio_percent" {
  description = "Alert when more than this percentage of the jobs finished in an hour failed."
  type        = number
  default     = 5
}

variable "gpu_daily_spend_limit_usd" {
  description = "Alert when the GPU time of the jobs settled in the last 24 hours costs more than this (USD, at gpu_cost_per_second_usd)."
  type        = number
  default     = 100
}

variable "webhook_rejections_per_hour" {
  description = "Alert when more incoming webhooks than this from one sender fail their check in an hour."
  type        = number
  default     = 20
}

variable "billing_account_id" {
  description = "Billing account of the project (gcloud billing accounts list) for a monthly budget; null: no budget."
  type        = string
  default     = null
}

variable "monthly_budget_amount" {
  description = "Monthly budget of the project in the billing account's currency (whole units); required with billing_account_id."
  type        = number
  default     = null
}
