# Shared by every environment (symlinked into dev/ and prod/); the provider label reads local.environment.
terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    google     = { source = "hashicorp/google", version = "7.30.0" }
    archive    = { source = "hashicorp/archive", version = "2.8.1" }
    cloudflare = { source = "cloudflare/cloudflare", version = "5.19.1" }
  }
}

provider "google" {
  project        = var.project_id
  region         = var.region
  default_labels = { app = "cineweave", environment = local.environment }
}

# The billing budget's alone (modules/monitoring): the Billing Budgets API refuses user credentials unless the
# request names a quota project, and the provider names one only with user_project_override. The caller needs
# serviceusage.services.use on the project (an owner has it).
provider "google" {
  alias                 = "billing"
  project               = var.project_id
  region                = var.region
  billing_project       = var.project_id
  user_project_override = true
}

# Reads CLOUDFLARE_API_TOKEN from the environment (token with R2 edit and, when zone_id is set, DNS edit).
provider "cloudflare" {}
