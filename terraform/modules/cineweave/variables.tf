# --- What each environment chooses ------------------------------------------------------------------------

variable "environment" {
  description = "Environment name (dev, prod); the zipped function sources go to build/archives/<environment>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.environment))
    error_message = "environment must be lowercase letters, digits or hyphens."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; distinct per environment sharing a project."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,13}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-15 lowercase letters, digits or hyphens."
  }
}

variable "function_overrides" {
  description = "Per-function sizes over the platform module's defaults (every function scales to zero), keyed by entry point."
  type = map(object({
    memory          = optional(string)
    cpu             = optional(string)
    timeout_seconds = optional(number)
    min_instances   = optional(number)
    max_instances   = optional(number)
    concurrency     = optional(number)
  }))
}

variable "truelayer_environment" {
  description = "TrueLayer hosts: sandbox or production."
  type        = string

  validation {
    condition     = contains(["sandbox", "production"], var.truelayer_environment)
    error_message = "truelayer_environment must be sandbox or production."
  }
}

variable "enable_cdn" {
  description = "Serve the web app's static files through Cloud CDN (without it, a new build shows at once)."
  type        = bool
}

variable "firestore_delete_protection" {
  description = "Protect the Firestore database from deletion (terraform destroy then leaves it in place)."
  type        = bool
}

variable "web_bucket_location" {
  description = "Location of the bucket that holds the web app."
  type        = string
  default     = "EU"
}

variable "r2_jurisdiction" {
  description = "R2 jurisdiction: default, eu or fedramp."
  type        = string
  default     = "default"
}

variable "sweep_schedule" {
  description = "Cron schedule of the sweep."
  type        = string
  default     = "*/5 * * * *"
}

variable "renew_schedule" {
  description = "Cron schedule of the daily renewal pass (UTC)."
  type        = string
  default     = "17 3 * * *"
}

variable "runpod_api_base" {
  description = "RunPod serverless API base."
  type        = string
  default     = "https://api.runpod.ai/v2"
}

# --- What the operator sets per deployment (the environments' variables, passed through) -----------------

variable "project_id" {
  description = "Google Cloud project id (also the Firebase project)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id (6-30 lowercase letters, digits, hyphens)."
  }
}

variable "region" {
  description = "Region of the functions, queue, scheduler jobs and serverless NEGs."
  type        = string
}

variable "firestore_location" {
  description = "Firestore location: a multi-region (eur3, nam5) or a region. Fixed once the database exists."
  type        = string
}

variable "domain" {
  description = "Host name of the service, e.g. video.example.com: web app at /, API at /api."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be a lowercase host name such as video.example.com."
  }
}

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
}

variable "google_sign_in" {
  description = "Offer \"Sign in with Google\" in the web app (enable the provider in Firebase Auth too)."
  type        = bool
}

variable "cloudflare_account_id" {
  description = "Cloudflare account id that owns the R2 bucket."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of the domain to create its A record; null when DNS is managed elsewhere."
  type        = string
}

variable "r2_bucket_name" {
  description = "R2 bucket for start images and results."
  type        = string
}

variable "r2_location" {
  description = "R2 location hint (wnam, enam, weur, eeur, apac, oc)."
  type        = string
}

variable "r2_access_key_id" {
  description = "Access key id of the R2 API token the functions use (its secret goes to Secret Manager)."
  type        = string
}

variable "runpod_endpoint_id" {
  description = "Id of the RunPod serverless endpoint running the worker image."
  type        = string
}

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
}

variable "payment_minor_per_usd_cent" {
  description = "Minor units of the settlement currency per US cent (decimal string)."
  type        = string
}

variable "payment_markup_percent" {
  description = "Price markup in percent for payment fees and FX spread."
  type        = number
}

variable "gpu_cost_per_second_usd" {
  description = "GPU price per second in US dollars (decimal string) for the admin console."
  type        = string
}

variable "moderation_blocklist_terms" {
  description = "Terms refused in the prompt and the negative prompt (whole words of normalised text)."
  type        = list(string)
}

variable "moderation_text_thresholds" {
  description = "Natural Language moderation category => confidence (0..1) above which the prompt is refused."
  type        = map(number)
}

variable "moderation_image_likelihood" {
  description = "SafeSearch likelihood at or above which a start image is refused (VERY_UNLIKELY .. VERY_LIKELY)."
  type        = string
}

variable "moderation_fail_open" {
  description = "Let create requests through when the moderation APIs fail (false: refuse them with 503)."
  type        = bool
}

variable "moderation_timeout_sec" {
  description = "Timeout in seconds of each moderation API call (at most 30)."
  type        = number
}

variable "moderation_max_refusals_per_hour" {
  description = "Refusals a user may have in one clock hour before create requests are turned away (429)."
  type        = number
}

variable "edge_rate_limit_requests" {
  description = "Requests per client IP and function backend that Cloud Armor lets through on /api/* per interval (over it: 429)."
  type        = number
}

variable "edge_rate_limit_interval_sec" {
  description = "Interval in seconds of the Cloud Armor throttle (10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600)."
  type        = number
}

variable "alert_email" {
  description = "Email address every alert and the budget notify."
  type        = string
}

variable "server_error_ratio_percent" {
  description = "Alert when more than this percentage of the API's answers are 5xx for five minutes."
  type        = number
}

variable "job_failure_ratio_percent" {
  description = "Alert when more than this percentage of the jobs finished in an hour failed."
  type        = number
}

variable "gpu_daily_spend_limit_usd" {
  description = "Alert when the GPU time of the jobs settled in the last 24 hours costs more than this (USD)."
  type        = number
}

variable "webhook_rejections_per_hour" {
  description = "Alert when more incoming webhooks than this from one sender fail their check in an hour."
  type        = number
}

variable "billing_account_id" {
  description = "Billing account of the project for the monthly budget; null: no budget."
  type        = string
}

variable "monthly_budget_amount" {
  description = "Monthly budget in the billing account's currency (whole units); required with billing_account_id."
  type        = number
}
