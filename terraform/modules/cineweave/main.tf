# The whole deployment, wired together: the platform (functions, queue, scheduler, Firestore, secrets, IAM),
# the web app's bucket, the load balancer in front of both, the R2 bucket, and the metrics, alerts and budget
# that watch them. Each environment calls this once with its own choices.

locals {
  repo_root = abspath("${path.module}/../../..")
  base_url  = "https://${var.domain}"
}

module "cloudflare" {
  source = "../cloudflare"

  account_id       = var.cloudflare_account_id
  bucket_name      = var.r2_bucket_name
  r2_location      = var.r2_location
  r2_jurisdiction  = var.r2_jurisdiction
  cors_origins     = [local.base_url]
  zone_id          = var.cloudflare_zone_id
  domain           = var.domain
  load_balancer_ip = module.edge.ip_address
}

module "platform" {
  source = "../platform"

  project_id                  = var.project_id
  region                      = var.region
  name_prefix                 = var.name_prefix
  bundle_dir                  = "${local.repo_root}/build/functions"
  archive_dir                 = "${local.repo_root}/build/archives/${var.environment}"
  firestore_rules_file        = "${local.repo_root}/firestore_rules/firestore.rules"
  firestore_location          = var.firestore_location
  firestore_delete_protection = var.firestore_delete_protection

  public_base_url  = local.base_url
  r2_endpoint_url  = module.cloudflare.endpoint_url
  r2_bucket        = module.cloudflare.bucket
  r2_access_key_id = var.r2_access_key_id

  runpod_api_base    = var.runpod_api_base
  runpod_endpoint_id = var.runpod_endpoint_id

  truelayer_environment         = var.truelayer_environment
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

  function_overrides = var.function_overrides
  sweep_schedule     = var.sweep_schedule
  renew_schedule     = var.renew_schedule

  billing_budget_enabled = var.billing_account_id != null
}

module "web" {
  source = "../web"

  project_id           = var.project_id
  name_prefix          = var.name_prefix
  location             = var.web_bucket_location
  dist_dir             = "${local.repo_root}/frontend/dist"
  firebase_api_key     = var.firebase_api_key
  firebase_auth_domain = coalesce(var.firebase_auth_domain, "${var.project_id}.firebaseapp.com")
  firebase_app_id      = var.firebase_app_id
  google_sign_in       = var.google_sign_in

  depends_on = [module.platform] # the project's APIs are enabled there
}

module "edge" {
  source = "../edge"

  project_id       = var.project_id
  region           = var.region
  name_prefix      = var.name_prefix
  domain           = var.domain
  public_functions = module.platform.public_functions
  web_bucket       = module.web.bucket
  enable_cdn       = var.enable_cdn

  edge_rate_limit_requests     = var.edge_rate_limit_requests
  edge_rate_limit_interval_sec = var.edge_rate_limit_interval_sec

  depends_on = [module.platform] # the project's APIs are enabled there
}

module "monitoring" {
  source = "../monitoring"
  providers = {
    google         = google
    google.billing = google.billing
  }

  project_id              = var.project_id
  project_number          = module.platform.project_number
  name_prefix             = var.name_prefix
  services                = module.platform.service_names
  api_services            = values(module.platform.public_functions)
  gpu_cost_per_second_usd = var.gpu_cost_per_second_usd # the price the admin console shows

  alert_email                 = var.alert_email
  server_error_ratio_percent  = var.server_error_ratio_percent
  job_failure_ratio_percent   = var.job_failure_ratio_percent
  gpu_daily_spend_limit_usd   = var.gpu_daily_spend_limit_usd
  webhook_rejections_per_hour = var.webhook_rejections_per_hour
  billing_account_id          = var.billing_account_id
  monthly_budget_amount       = var.monthly_budget_amount

  depends_on = [module.platform] # the project's APIs are enabled there
}
