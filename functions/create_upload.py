"""POST /api/uploads — a presigned PUT for a start image (PNG, JPEG or WebP, up to 10 MB)."""

import functions_framework

from shared.container import services
from shared.domain.requests import UploadRequest
from shared.http import Endpoint, json_body, json_response, parse

endpoint = Endpoint("create_upload")


@endpoint.route("/api/uploads", methods=("POST",))
def create(request):
    app = services()
    user = app.users.user(request)
    upload = parse(UploadRequest, json_body(request))
    return json_response(app.uploads.create(user.uid, upload), 201)


@functions_framework.http
def create_upload(request):
    return endpoint(request)
