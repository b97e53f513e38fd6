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

variable "edge_rate_limit_requests" {
  description = "Cloud Armor throttle on /api/*: requests one client IP may make to one function backend per edge_rate_limit_interval_sec; the rest are answered 429."
  type        = number
  default     = 120

  validation {
    condition     = var.edge_rate_limit_requests >= 1 && var.edge_rate_limit_requests <= 1000000 && floor(var.edge_rate_limit_requests) == var.edge_rate_limit_requests
    error_message = "edge_rate_limit_requests must be a whole number from 1 to 1000000 (Cloud Armor's throttle range)."
  }
}

variable "edge_rate_limit_interval_sec" {
  description = "Interval in seconds over which Cloud Armor counts edge_rate_limit_requests."
  type        = number
  default     = 60

  validation {
    condition     = contains([10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600], var.edge_rate_limit_interval_sec)
    error_message = "edge_rate_limit_interval_sec must be one of Cloud Armor's intervals: 10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700 or 3600."
  }
}
