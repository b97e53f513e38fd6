terraform {
  required_version = ">= 1.9"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 7.0"
      # google.billing: the same credentials with a quota project, which the Billing Budgets API requires.
      configuration_aliases = [google.billing]
    }
  }
}
