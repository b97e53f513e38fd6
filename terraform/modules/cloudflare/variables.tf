variable "account_id" {
  description = "Cloudflare account id that owns the R2 bucket."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be the 32-character Cloudflare account id."
  }
}

variable "bucket_name" {
  description = "Name of the R2 bucket for uploads and results."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 lowercase letters, digits or hyphens."
  }
}

variable "r2_location" {
  description = "Location hint of the bucket (wnam, enam, weur, eeur, apac, oc)."
  type        = string
  default     = "weur"

  validation {
    condition     = contains(["wnam", "enam", "weur", "eeur", "apac", "oc"], var.r2_location)
    error_message = "r2_location must be one of wnam, enam, weur, eeur, apac, oc."
  }
}

variable "r2_jurisdiction" {
  description = "Jurisdiction of the bucket: default, eu or fedramp."
  type        = string
  default     = "default"

  validation {
    condition     = contains(["default", "eu", "fedramp"], var.r2_jurisdiction)
    error_message = "r2_jurisdiction must be default, eu or fedramp."
  }
}

variable "retention_days" {
  description = "Days after which R2 deletes every object (videos live 24 hours)."
  type        = number
  default     = 1

  validation {
    condition     = var.retention_days >= 1 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of at least 1."
  }
}

variable "cors_origins" {
  description = "Origins allowed to PUT and GET objects from the browser (the web app's https://<domain>)."
  type        = list(string)

  validation {
    condition     = length(var.cors_origins) > 0 && alltrue([for origin in var.cors_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", origin))])
    error_message = "cors_origins must list https origins without a path."
  }
}

variable "zone_id" {
  description = "Cloudflare zone id of the domain, to create its A record; null when DNS is elsewhere."
  type        = string
  default     = null
}

variable "domain" {
  description = "Host name of the service (the A record's name when zone_id is set)."
  type        = string
}

variable "load_balancer_ip" {
  description = "IP of the Google load balancer (the A record's content)."
  type        = string
}
