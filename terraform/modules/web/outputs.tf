output "bucket" {
  description = "Bucket that holds the web app (the load balancer's backend bucket)."
  value       = google_storage_bucket.web.name
}

output "uploaded_files" {
  description = "Number of web app files uploaded from dist_dir (0 means `make web` has not run)."
  value       = length(local.dist_files)
}
