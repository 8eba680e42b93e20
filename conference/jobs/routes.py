"""Job pages: start a document job, watch its progress, download the result."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..accounts.roles import Role
from ..errors import wants_json
from ..extensions import db
from ..web import roles_required
from . import registry, runner, services

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

STAFF = (Role.SECRETARIAT, Role.PRESIDER, Role.CHECKIN, Role.SCREEN)


def _params_from_request() -> tuple[str, dict]:
    if request.is_json:
        body = request.get_json(silent=True) or {}
        return str(body.get("kind") or ""), dict(body.get("params") or {})
    params = {key[len("param-"):]: value for key, value in request.form.items()
              if key.startswith("param-") and value != ""}
    return request.form.get("kind", ""), params


@bp.get("/")
@roles_required(*STAFF)
def index():
    jobs = services.list_jobs(current_user, limit=100)
    return render_template("jobs/index.html", jobs=jobs, kinds=registry.kinds())


@bp.post("/")
@roles_required(*STAFF)
def create():
    kind, params = _params_from_request()
    if kind == "passes" and "base_url" not in params:
        params["base_url"] = request.host_url  # the login QR points back at the address staff use
    job = services.create_job(kind, params, current_user)
    job_id = job.id
    db.session.commit()
    runner.wake(current_app._get_current_object())
    if wants_json():
        return jsonify({"ok": True, "id": job_id, "url": url_for("jobs.show", job_id=job_id),
                        "status_url": url_for("jobs.show", job_id=job_id, format="json")}), 202
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/<job_id>")
@roles_required(*STAFF)
def show(job_id: str):
    job = services.job_for(current_user, job_id)
    if request.args.get("format") == "json" or wants_json():
        return jsonify(services.job_dict(job, url_for("jobs.download", job_id=job.id)))
    return render_template("jobs/show.html", job=job)


@bp.get("/<job_id>/download")
@roles_required(*STAFF)
def download(job_id: str):
    job = services.job_for(current_user, job_id)
    path = services.result_path(job)
    mimetype = {".pdf": "application/pdf",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}.get(
        path.suffix, "application/octet-stream")
    return send_file(path, mimetype=mimetype, as_attachment=request.args.get("inline") != "1",
                     download_name=job.result_name or path.name, max_age=0)
