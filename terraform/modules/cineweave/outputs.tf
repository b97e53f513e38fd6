output "web_url" {
  description = "The web app."
  value       = "${local.base_url}/"
}

output "api_base_url" {
  description = "Base of the HTTP API (e.g. GET <api_base_url>/healthz)."
  value       = "${local.base_url}/api"
}

output "load_balancer_ip" {
  description = "Point the domain's A record here (done already when cloudflare_zone_id is set)."
  value       = module.edge.ip_address
}

output "truelayer_webhook_url" {
  description = "Paste into the TrueLayer console as the webhook URI."
  value       = "${local.base_url}/api/webhooks/truelayer"
}

output "truelayer_redirect_uri" {
  description = "Add to the TrueLayer console's allowed redirect URIs (the payment returns here)."
  value       = "${local.base_url}/account"
}

output "runpod_webhook_url" {
  description = "RunPod calls this with a per-job token the dispatcher adds to each /run request; nothing to paste in RunPod."
  value       = "${local.base_url}/api/webhooks/runpod"
}

output "r2_endpoint_url" {
  description = "S3 endpoint of the R2 bucket: the worker's S3_ENDPOINT_URL on the RunPod endpoint."
  value       = module.cloudflare.endpoint_url
}

output "r2_bucket" {
  description = "R2 bucket name."
  value       = module.cloudflare.bucket
}

output "secret_ids" {
  description = "Environment variable => Secret Manager secret id; add a version to each before the functions can start."
  value       = module.platform.secret_ids
}

output "service_accounts" {
  description = "Service account email per role."
  value       = module.platform.service_accounts
}

output "dispatch_url" {
  description = "Cloud Tasks target of the dispatch function (internal only)."
  value       = module.platform.dispatch_url
}

output "web_files_uploaded" {
  description = "Files of frontend/dist uploaded to the web bucket."
  value       = module.web.uploaded_files
}

output "alert_policies" {
  description = "The alert policies (key => display name); each notifies alert_email."
  value       = module.monitoring.alert_policies
}
