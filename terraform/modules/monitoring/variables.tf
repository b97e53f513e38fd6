variable "project_id" {
  description = "Google Cloud project of the functions, where the metrics, alerts and notification channel live."
  type        = string
}

variable "project_number" {
  description = "Number of that project (the budget's filter names projects by number)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the metric, alert and budget names: distinct per environment sharing a project."
  type        = string
}

variable "services" {
  description = "Entry point => Cloud Run service name of every function: the log-based metrics count their lines only."
  type        = map(string)
}

variable "api_services" {
  description = "Cloud Run service names of the functions behind the load balancer: the 5xx ratio is theirs."
  type        = list(string)
}

variable "gpu_cost_per_second_usd" {
  description = "GPU price per second in US dollars, as a decimal string: the functions' GPU_COST_PER_SECOND_USD."
  type        = string
}

# --- The operator's settings (the environments' variables, passed through) --------------------------------

variable "alert_email" {
  description = "Email address every alert and the budget notify (a Cloud Monitoring email channel)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be an email address: every alert notifies it."
  }
}

variable "server_error_ratio_percent" {
  description = "Alert when more than this percentage of the API's answers are 5xx for five minutes."
  type        = number
  default     = 2

  validation {
    condition     = var.server_error_ratio_percent > 0 && var.server_error_ratio_percent < 100
    error_message = "server_error_ratio_percent must be more than 0 and less than 100."
  }
}

variable "job_failure_ratio_percent" {
  description = "Alert when more than this percentage of the jobs finished in an hour failed (the PRD asks for 95 % success)."
  type        = number
  default     = 5

  validation {
    condition     = var.job_failure_ratio_percent > 0 && var.job_failure_ratio_percent < 100
    error_message = "job_failure_ratio_percent must be more than 0 and less than 100."
  }
}

variable "job_failure_ratio_min_jobs" {
  description = "Jobs that must have finished in the hour before the failure ratio alerts (one failure of two is no trend)."
  type        = number
  default     = 10

  validation {
    condition     = var.job_failure_ratio_min_jobs >= 1 && floor(var.job_failure_ratio_min_jobs) == var.job_failure_ratio_min_jobs
    error_message = "job_failure_ratio_min_jobs must be a whole number of at least 1."
  }
}

variable "gpu_daily_spend_limit_usd" {
  description = "Alert when the GPU time of the jobs settled in the last 24 hours costs more than this, in US dollars."
  type        = number
  default     = 100

  validation {
    condition     = var.gpu_daily_spend_limit_usd > 0
    error_message = "gpu_daily_spend_limit_usd must be more than 0."
  }
}

variable "webhook_rejections_per_hour" {
  description = "Alert when more incoming webhooks than this from one sender fail their check in an hour."
  type        = number
  default     = 20

  validation {
    condition     = var.webhook_rejections_per_hour >= 0 && floor(var.webhook_rejections_per_hour) == var.webhook_rejections_per_hour
    error_message = "webhook_rejections_per_hour must be a whole number of at least 0."
  }
}

variable "billing_account_id" {
  description = "Billing account of the project, e.g. 012345-6789AB-CDEF01; null: no budget."
  type        = string
  default     = null

  validation {
    condition     = var.billing_account_id == null || can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_account_id))
    error_message = "billing_account_id must look like 012345-6789AB-CDEF01 (gcloud billing accounts list), or be null."
  }
}

variable "monthly_budget_amount" {
  description = "Monthly budget of the project in the billing account's currency, whole units; required with billing_account_id."
  type        = number
  default     = null

  validation {
    condition     = var.billing_account_id == null || (var.monthly_budget_amount != null && try(var.monthly_budget_amount >= 1 && floor(var.monthly_budget_amount) == var.monthly_budget_amount, false))
    error_message = "monthly_budget_amount must be a whole number of at least 1 when billing_account_id is set."
  }

  validation {
    condition     = var.monthly_budget_amount == null || var.billing_account_id != null
    error_message = "monthly_budget_amount needs billing_account_id: the budget is created on that billing account."
  }
}
