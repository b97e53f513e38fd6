"""POST /api/uploads — a presigned PUT for a start image (PNG, JPEG or WebP, up to 10 MB)."""

import functions_framework

from shared.container import services
from shared.domain.requests import UploadRequest
from shared.http import Endpoint, json_response, request_body

endpoint = Endpoint("create_upload")


@endpoint.route("/api/uploads", methods=("POST",))
def create(request):
    app = services()
    user = app.users.user(request)
    upload = request_body(request, UploadRequest)
    return json_response(app.uploads.create(user.uid, upload), 201)


@functions_framework.http
def create_upload(request):
    return endpoint(request)
