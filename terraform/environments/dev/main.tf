# Dev: every function scales to zero, TrueLayer sandbox, no CDN (a new build shows at once), a deletable
# Firestore database.

locals {
  environment = "dev"
}

module "cineweave" {
  source = "../../modules/cineweave"
  providers = { # named because the composition also takes the budget's google.billing
    google         = google
    google.billing = google.billing
    archive        = archive
    cloudflare     = cloudflare
  }

  environment                 = local.environment
  name_prefix                 = "cw-dev"
  truelayer_environment       = "sandbox"
  enable_cdn                  = false
  firestore_delete_protection = false
  function_overrides          = {} # the platform's sizes: every function scales to zero

  # The operator's inputs (variables.tf)
  project_id                    = var.project_id
  region                        = var.region
  firestore_location            = var.firestore_location
  domain                        = var.domain
  firebase_api_key              = var.firebase_api_key
  firebase_app_id               = var.firebase_app_id
  firebase_auth_domain          = var.firebase_auth_domain
  google_sign_in                = var.google_sign_in
  cloudflare_account_id         = var.cloudflare_account_id
  cloudflare_zone_id            = var.cloudflare_zone_id
  r2_bucket_name                = var.r2_bucket_name
  r2_location                   = var.r2_location
  r2_access_key_id              = var.r2_access_key_id
  runpod_endpoint_id            = var.runpod_endpoint_id
  truelayer_client_id           = var.truelayer_client_id
  truelayer_signing_key_id      = var.truelayer_signing_key_id
  truelayer_merchant_account_id = var.truelayer_merchant_account_id
  payment_currency              = var.payment_currency
  payment_minor_per_usd_cent    = var.payment_minor_per_usd_cent
  payment_markup_percent        = var.payment_markup_percent
  gpu_cost_per_second_usd       = var.gpu_cost_per_second_usd

  moderation_blocklist_terms       = var.moderation_blocklist_terms
  moderation_text_thresholds       = var.moderation_text_thresholds
  moderation_image_likelihood      = var.moderation_image_likelihood
  moderation_fail_open             = var.moderation_fail_open
  moderation_timeout_sec           = var.moderation_timeout_sec
  moderation_max_refusals_per_hour = var.moderation_max_refusals_per_hour

  edge_rate_limit_requests     = var.edge_rate_limit_requests
  edge_rate_limit_interval_sec = var.edge_rate_limit_interval_sec

  alert_email                 = var.alert_email
  server_error_ratio_percent  = var.server_error_ratio_percent
  job_failure_ratio_percent   = var.job_failure_ratio_percent
  gpu_daily_spend_limit_usd   = var.gpu_daily_spend_limit_usd
  webhook_rejections_per_hour = var.webhook_rejections_per_hour
  billing_account_id          = var.billing_account_id
  monthly_budget_amount       = var.monthly_budget_amount
}
