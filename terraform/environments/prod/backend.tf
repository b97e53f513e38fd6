# State lives in a GCS bucket created once by hand (see terraform/README.md). The bucket is left out on
# purpose; give it at init:  terraform init -backend-config="bucket=<state bucket>"
terraform {
  backend "gcs" {
    prefix = "cineweave/prod"
  }
}
