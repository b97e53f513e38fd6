variable "project_id" {
  description = "Google Cloud project of the load balancer."
  type        = string
}

variable "region" {
  description = "Region of the functions (the serverless NEGs live there)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every load balancer resource name."
  type        = string
}

variable "domain" {
  description = "Host name users reach the service at (the managed certificate covers it; its DNS A record must point at the load balancer IP)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be a lowercase host name such as video.example.com."
  }
}

variable "public_functions" {
  description = "Functions the load balancer routes to: entry point => Cloud Run service name. Internal functions must not be in it."
  type        = map(string)
}

variable "web_bucket" {
  description = "GCS bucket with the built web app and app-config.json, served at every non-/api path."
  type        = string
}

variable "enable_cdn" {
  description = "Cache the web app's static files at Google's edge (Cloud CDN on the backend bucket)."
  type        = bool
  default     = true
}

variable "security_policy" {
  description = "Optional Cloud Armor security policy (self link or name) attached to every function backend."
  type        = string
  default     = null
}
