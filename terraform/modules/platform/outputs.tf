output "public_functions" {
  description = "Functions served through the load balancer: entry point => Cloud Run service name (for the serverless NEGs)."
  value       = { for name, fn in local.functions : name => module.function[name].service_name if fn.public }
}

output "service_names" {
  description = "Entry point => Cloud Run service name of every function (known before they exist; the log metrics filter on them)."
  value       = local.function_names
}

output "project_number" {
  description = "Number of the project (budget filters name projects by number)."
  value       = data.google_project.this.number
}

output "function_uris" {
  description = "Entry point => the function's own run.app URL (public ones refuse direct traffic: ingress is internal + load balancer)."
  value       = { for name in keys(local.functions) : name => module.function[name].uri }
}

output "dispatch_url" {
  description = "Where Cloud Tasks delivers dispatch tasks (DISPATCH_URL)."
  value       = local.dispatch_url
}

output "tasks_queue" {
  description = "Cloud Tasks queue path (TASKS_QUEUE)."
  value       = google_cloud_tasks_queue.dispatch.id
}

output "webhook_tasks_queue" {
  description = "Cloud Tasks queue path of the webhook deliveries."
  value       = google_cloud_tasks_queue.webhooks.id
}

output "service_accounts" {
  description = "Service account email per role."
  value = merge(
    { for role, account in google_service_account.runtime : role => account.email },
    { for role, account in google_service_account.invoker : "${role}_invoker" => account.email },
    { build = google_service_account.build.email },
  )
}

output "secret_ids" {
  description = "Environment variable => Secret Manager secret id; add each value with `gcloud secrets versions add`."
  value       = { for key, secret in local.secrets : secret.env => google_secret_manager_secret.this[key].secret_id }
}
