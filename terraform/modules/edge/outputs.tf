output "ip_address" {
  description = "Public IP of the load balancer: point the domain's A record here."
  value       = google_compute_global_address.this.address
}

output "base_url" {
  description = "https://<domain>"
  value       = "https://${var.domain}"
}

output "certificate" {
  description = "Name of the managed certificate (provisioning finishes once DNS points at the IP: gcloud compute ssl-certificates describe)."
  value       = google_compute_managed_ssl_certificate.this.name
}
