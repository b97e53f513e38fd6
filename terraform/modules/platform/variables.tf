variable "project_id" {
  description = "Google Cloud project that holds the platform."
  type        = string
}

variable "region" {
  description = "Region of the functions, the Cloud Tasks queue and the Cloud Scheduler jobs."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every resource name (functions, service accounts, queue, secrets); keep it short: service account ids are at most 30 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,13}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-15 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen."
  }
}

variable "billing_budget_enabled" {
  description = "A billing budget is created on the project (modules/monitoring): enable the Billing Budgets API too."
  type        = bool
  default     = false
}

variable "labels" {
  description = "Labels on the resources that take them."
  type        = map(string)
  default     = {}
}

variable "bundle_dir" {
  description = "Folder `make bundle` writes: one staged source folder per function (build/functions)."
  type        = string
}

variable "archive_dir" {
  description = "Local folder for the zipped function sources before upload."
  type        = string
}

variable "firestore_rules_file" {
  description = "Path of the Firestore security rules to deploy (firestore_rules/firestore.rules)."
  type        = string
}

variable "firestore_location" {
  description = "Firestore location (a multi-region such as eur3 / nam5, or a region)."
  type        = string
}

variable "firestore_delete_protection" {
  description = "Protect the Firestore database from deletion (and leave it in place on terraform destroy)."
  type        = bool
  default     = true
}

variable "public_base_url" {
  description = "https://<domain>: where users, RunPod and TrueLayer reach the service (PUBLIC_BASE_URL)."
  type        = string

  validation {
    condition     = can(regex("^https://[a-z0-9.-]+$", var.public_base_url))
    error_message = "public_base_url must be https://<host> without a trailing slash."
  }
}

variable "r2_endpoint_url" {
  description = "S3 endpoint of the R2 account (S3_ENDPOINT_URL)."
  type        = string
}

variable "r2_bucket" {
  description = "R2 bucket for uploads and results (S3_BUCKET)."
  type        = string
}

variable "r2_access_key_id" {
  description = "Access key id of the R2 API token (S3_ACCESS_KEY_ID); its secret is the r2-secret-access-key secret."
  type        = string

  validation {
    condition     = length(var.r2_access_key_id) > 0
    error_message = "r2_access_key_id is required."
  }
}

variable "runpod_api_base" {
  description = "RunPod serverless API base (RUNPOD_API_BASE)."
  type        = string
  default     = "https://api.runpod.ai/v2"
}

variable "runpod_endpoint_id" {
  description = "Id of the RunPod serverless endpoint that runs the worker (RUNPOD_ENDPOINT_ID)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+$", var.runpod_endpoint_id))
    error_message = "runpod_endpoint_id must be the endpoint id shown in the RunPod console (lowercase letters and digits)."
  }
}

variable "truelayer_environment" {
  description = "TrueLayer hosts to use: sandbox or production."
  type        = string

  validation {
    condition     = contains(["sandbox", "production"], var.truelayer_environment)
    error_message = "truelayer_environment must be sandbox or production."
  }
}

variable "truelayer_client_id" {
  description = "TrueLayer client id (TRUELAYER_CLIENT_ID)."
  type        = string
}

variable "truelayer_signing_key_id" {
  description = "Key id TrueLayer shows for the uploaded public signing key (TRUELAYER_SIGNING_KEY_ID)."
  type        = string
}

variable "truelayer_merchant_account_id" {
  description = "TrueLayer merchant account that receives payments (TRUELAYER_MERCHANT_ACCOUNT_ID)."
  type        = string
}

variable "payment_currency" {
  description = "Settlement currency (PAYMENT_CURRENCY)."
  type        = string
  default     = "GBP"

  validation {
    condition     = contains(["GBP", "EUR"], var.payment_currency)
    error_message = "payment_currency must be GBP or EUR."
  }
}

variable "payment_minor_per_usd_cent" {
  description = "Exchange rate: minor units of the settlement currency per US cent, as a decimal string (PAYMENT_MINOR_PER_USD_CENT)."
  type        = string
  default     = "0.80"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.payment_minor_per_usd_cent))
    error_message = "payment_minor_per_usd_cent must be a decimal number such as 0.80."
  }
}

variable "payment_markup_percent" {
  description = "Markup on prices for payment fees and FX spread, 0-100 (PAYMENT_MARKUP_PERCENT)."
  type        = number
  default     = 0

  validation {
    condition     = var.payment_markup_percent >= 0 && var.payment_markup_percent <= 100 && floor(var.payment_markup_percent) == var.payment_markup_percent
    error_message = "payment_markup_percent must be a whole number from 0 to 100."
  }
}

variable "gpu_cost_per_second_usd" {
  description = "GPU price per second in US dollars, as a decimal string, for the admin console's cost figures (GPU_COST_PER_SECOND_USD)."
  type        = string
  default     = "0.00116"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.gpu_cost_per_second_usd))
    error_message = "gpu_cost_per_second_usd must be a decimal number such as 0.00116."
  }
}

variable "function_overrides" {
  description = "Per-function sizes over the defaults in functions.tf, keyed by entry point (e.g. { create_job = { min_instances = 1 } })."
  type = map(object({
    memory          = optional(string)
    cpu             = optional(string)
    timeout_seconds = optional(number)
    min_instances   = optional(number)
    max_instances   = optional(number)
    concurrency     = optional(number)
  }))
  default = {}
}

variable "queue_max_dispatches_per_second" {
  description = "Cloud Tasks rate limit on dispatch calls."
  type        = number
  default     = 5

  validation {
    condition     = var.queue_max_dispatches_per_second > 0 && var.queue_max_dispatches_per_second <= 500
    error_message = "queue_max_dispatches_per_second must be between 0 (exclusive) and 500."
  }
}

variable "queue_max_concurrent_dispatches" {
  description = "Dispatch calls in flight at once."
  type        = number
  default     = 20

  validation {
    condition     = var.queue_max_concurrent_dispatches >= 1 && var.queue_max_concurrent_dispatches <= 5000
    error_message = "queue_max_concurrent_dispatches must be between 1 and 5000."
  }
}

variable "webhook_queue_max_dispatches_per_second" {
  description = "Cloud Tasks rate limit on webhook deliveries (the dispatch function sends each one)."
  type        = number
  default     = 10

  validation {
    condition     = var.webhook_queue_max_dispatches_per_second > 0 && var.webhook_queue_max_dispatches_per_second <= 500
    error_message = "webhook_queue_max_dispatches_per_second must be between 0 (exclusive) and 500."
  }
}

variable "webhook_queue_max_concurrent_dispatches" {
  description = "Webhook deliveries in flight at once: what slow receivers can take of the dispatch function's capacity."
  type        = number
  default     = 20

  validation {
    condition     = var.webhook_queue_max_concurrent_dispatches >= 1 && var.webhook_queue_max_concurrent_dispatches <= 5000
    error_message = "webhook_queue_max_concurrent_dispatches must be between 1 and 5000."
  }
}

variable "sweep_schedule" {
  description = "Cron schedule of the sweep (reconcile, refund, expire)."
  type        = string
  default     = "*/5 * * * *"
}

variable "renew_schedule" {
  description = "Cron schedule of the plan renewal pass."
  type        = string
  default     = "17 3 * * *"
}

variable "schedule_time_zone" {
  description = "Time zone of the Cloud Scheduler schedules."
  type        = string
  default     = "Etc/UTC"
}

# --- Content moderation of create requests (shared/config.py, MODERATION_*) -------------------------------

variable "moderation_blocklist_terms" {
  description = "Operator blocklist: terms refused in the prompt and the negative prompt, each matched as whole words of normalised text (MODERATION_BLOCKLIST_TERMS, comma-separated)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for term in var.moderation_blocklist_terms : trimspace(term) != "" && !strcontains(term, ",")])
    error_message = "moderation_blocklist_terms: each term must be non-blank and contain no comma (the setting is comma-separated)."
  }
}

variable "moderation_text_thresholds" {
  description = "Natural Language moderateText category => confidence (0..1) above which the prompt is refused; unlisted categories never refuse (MODERATION_TEXT_THRESHOLDS, as JSON)."
  type        = map(number)
  default = {
    "Sexual"        = 0.8
    "Derogatory"    = 0.8
    "Violent"       = 0.8
    "Toxic"         = 0.8
    "Insult"        = 0.8
    "Illicit Drugs" = 0.8
  }

  validation {
    condition     = alltrue([for threshold in values(var.moderation_text_thresholds) : threshold >= 0 && threshold <= 1])
    error_message = "moderation_text_thresholds: every confidence must be between 0 and 1."
  }

  # A misspelt category would never match, and so never refuse.
  validation {
    condition     = alltrue([for category in keys(var.moderation_text_thresholds) : contains(local.moderation_text_categories, category)])
    error_message = "moderation_text_thresholds: every key must be a moderateText category, spelt as the API returns it (e.g. \"Illicit Drugs\")."
  }
}

variable "moderation_image_likelihood" {
  description = "Cloud Vision SafeSearch likelihood at or above which a start image is refused (adult, violence, racy) (MODERATION_IMAGE_LIKELIHOOD)."
  type        = string
  default     = "LIKELY"

  validation {
    condition     = contains(["VERY_UNLIKELY", "UNLIKELY", "POSSIBLE", "LIKELY", "VERY_LIKELY"], var.moderation_image_likelihood)
    error_message = "moderation_image_likelihood must be VERY_UNLIKELY, UNLIKELY, POSSIBLE, LIKELY or VERY_LIKELY."
  }
}

variable "moderation_fail_open" {
  description = "When the moderation APIs fail: true lets the request through (and notes it), false refuses it with a 503 (MODERATION_FAIL_OPEN)."
  type        = bool
  default     = false
}

variable "moderation_timeout_sec" {
  description = "Timeout in seconds of each call to the moderation APIs, more than 0 and at most 30 (MODERATION_TIMEOUT_SEC)."
  type        = number
  default     = 3

  validation {
    condition     = var.moderation_timeout_sec > 0 && var.moderation_timeout_sec <= 30
    error_message = "moderation_timeout_sec must be more than 0 and at most 30."
  }
}

variable "moderation_max_refusals_per_hour" {
  description = "A user refused more than this many times in one clock hour is turned away (429) until the hour ends (MODERATION_MAX_REFUSALS_PER_HOUR)."
  type        = number
  default     = 10

  validation {
    condition     = var.moderation_max_refusals_per_hour >= 1 && floor(var.moderation_max_refusals_per_hour) == var.moderation_max_refusals_per_hour
    error_message = "moderation_max_refusals_per_hour must be a whole number of at least 1."
  }
}
