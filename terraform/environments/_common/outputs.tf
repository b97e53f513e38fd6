# Shared by every environment (symlinked into dev/ and prod/).
# The module's outputs, described in modules/cineweave/outputs.tf.
output "web_url" { value = module.cineweave.web_url }
output "api_base_url" { value = module.cineweave.api_base_url }
output "load_balancer_ip" { value = module.cineweave.load_balancer_ip }
output "truelayer_webhook_url" { value = module.cineweave.truelayer_webhook_url }
output "truelayer_redirect_uri" { value = module.cineweave.truelayer_redirect_uri }
output "runpod_webhook_url" { value = module.cineweave.runpod_webhook_url }
output "r2_endpoint_url" { value = module.cineweave.r2_endpoint_url }
output "r2_bucket" { value = module.cineweave.r2_bucket }
output "secret_ids" { value = module.cineweave.secret_ids }
output "service_accounts" { value = module.cineweave.service_accounts }
output "dispatch_url" { value = module.cineweave.dispatch_url }
output "web_files_uploaded" { value = module.cineweave.web_files_uploaded }
output "alert_policies" { value = module.cineweave.alert_policies }
