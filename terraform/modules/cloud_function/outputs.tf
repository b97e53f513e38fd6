output "name" {
  description = "Deployed function name."
  value       = google_cloudfunctions2_function.this.name
}

output "uri" {
  description = "HTTPS URL of the function's Cloud Run service (*.run.app)."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "service_name" {
  description = "Cloud Run service that serves the function: what a serverless NEG points at."
  value       = google_cloudfunctions2_function.this.service_config[0].service
}

output "source_object" {
  description = "Name of the uploaded source archive (changes with the staged source)."
  value       = google_storage_bucket_object.source.name
}
