variable "project_id" {
  description = "Google Cloud project that holds the function."
  type        = string
}

variable "region" {
  description = "Region of the function (and of its Cloud Run service)."
  type        = string
}

variable "name" {
  description = "Deployed function name: lowercase letters, digits and hyphens (also the Cloud Run service name)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,47}[a-z0-9]$", var.name))
    error_message = "name must be 2-49 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen."
  }
}

variable "entry_point" {
  description = "Python function that serves requests: the entry point's file name in functions/ (e.g. create_job)."
  type        = string

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]*$", var.entry_point))
    error_message = "entry_point must be a Python identifier in lowercase."
  }
}

variable "source_dir" {
  description = "Staged source folder of this function (main.py, shared/, requirements.txt), written by `make bundle`."
  type        = string
}

variable "archive_dir" {
  description = "Local folder where the zip of the staged source is written before upload."
  type        = string
}

variable "source_bucket" {
  description = "GCS bucket that receives the source archives."
  type        = string
}

variable "service_account_email" {
  description = "Service account the function runs as (one per role, created by the caller)."
  type        = string
}

variable "build_service_account_id" {
  description = "Full resource id (projects/P/serviceAccounts/EMAIL) of the service account Cloud Build uses to build the function."
  type        = string
}

variable "memory" {
  description = "Memory per instance, in Cloud Run units (e.g. 512Mi, 1Gi)."
  type        = string
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.memory))
    error_message = "memory must look like 512Mi or 1Gi."
  }
}

variable "cpu" {
  description = "vCPUs per instance (\"1\", \"2\", ...). Request concurrency above 1 needs at least one whole vCPU."
  type        = string
  default     = "1"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.cpu))
    error_message = "cpu must be a number such as \"1\" or \"0.5\"."
  }
}

variable "timeout_seconds" {
  description = "Request timeout in seconds (HTTP functions allow up to 3600)."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600
    error_message = "timeout_seconds must be between 1 and 3600."
  }
}

variable "min_instances" {
  description = "Instances kept warm (0 scales to zero)."
  type        = number
  default     = 0

  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances must be 0 or more."
  }
}

variable "max_instances" {
  description = "Upper bound on instances."
  type        = number
  default     = 10

  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}

variable "concurrency" {
  description = "Requests one instance serves at once (max_instance_request_concurrency); also the gunicorn thread count."
  type        = number
  default     = 1

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be between 1 and 1000."
  }
}

variable "env" {
  description = "Plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager at instance start: env name => secret id (latest version)."
  type        = map(string)
  default     = {}
}

variable "public" {
  description = "Served through the load balancer: ingress internal + load balancer, run.invoker for allUsers (the load balancer carries no identity; the function checks its callers itself). Otherwise ingress is internal only and only invoker_members may call."
  type        = bool
  default     = false
}

variable "invoker_members" {
  description = "IAM members (e.g. serviceAccount:tasks@P.iam.gserviceaccount.com) allowed to invoke a non-public function."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels on the function."
  type        = map(string)
  default     = {}
}
