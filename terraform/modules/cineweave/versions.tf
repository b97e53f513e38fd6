terraform {
  required_version = ">= 1.9"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 7.0"
      # google.billing: for the billing budget only (modules/monitoring).
      configuration_aliases = [google.billing]
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.7"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = ">= 5.10"
    }
  }
}
