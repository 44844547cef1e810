"""The operator's web view: a FastAPI app with Jinja2 pages (autoescaped) and a JSON API under ``/api/``.

Everything it shows is read from Redis and the record store through the objects the CLI uses (`Inspector`,
`DeadLetters`, `Records`, the dedup `Detector`, the run records); Crawl now goes through `jen crawl`'s own path
(`refuse_urls`, `queue_triggers`), to the running service. Pages carry no script at all (and say so in their
Content-Security-Policy); state changes are POST forms with a CSRF token (double-submit cookie, SameSite=Strict);
Crawl now is rate-limited per source in Redis; with a token configured, every request needs it.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from crawler.config import Config
from crawler.web import views
from crawler.web.metrics import JenCollector, registry_for

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSRF_COOKIE = "jen_csrf"
TOKEN_COOKIE = "jen_web_token"
RATE_WINDOW = 60  # seconds: web.crawl_now_per_minute presses per source in this window
RECENT_RUNS = 20
MAX_ROWS = 500
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src http: https: data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@dataclass
class WebData:
    """What the view reads: the config, a Redis client and the stores, built like `jen inspect` builds them."""

    config: Config
    client: Any
    records: Any
    dead_letters: Any

    @classmethod
    def open(cls, config: Config, redis_url: str, client: Any) -> WebData:
        from crawler.cli import cli_records
        from crawler.failures import DeadLetters
        from crawler.redisconn import Keys

        return cls(config, client, cli_records(config, redis_url, client),
                   DeadLetters(client, Keys(config.redis.key_prefix), config.retention.dead_letters))

    @property
    def keys(self) -> Any:
        from crawler.redisconn import Keys

        return Keys(self.config.redis.key_prefix)

    def inspector(self) -> Any:
        from crawler.cli.inspect import Inspector

        return Inspector(self.config, self.client, self.records, self.dead_letters)

    def overview(self) -> dict[str, Any]:
        """`jen inspect --json`, exactly (same object, same JSON encoding)."""
        return json.loads(json.dumps(self.inspector().overview(), ensure_ascii=False, default=str))

    def runs(self) -> list[dict[str, Any]]:
        from crawler.service import run_book

        return views.newest_first(run_book(self.client, self.keys).all().values())

    def run(self, run_id: str) -> dict[str, Any] | None:
        from crawler.service import run_book

        return run_book(self.client, self.keys).get(run_id)

    def detector(self) -> Any:
        return self.records.detector


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class TokenGate(BaseHTTPMiddleware):
    """With ``web.token`` set, every request needs it: ``Authorization: Bearer TOKEN``, or the cookie that a first
    visit with ``?token=TOKEN`` sets (the token is then dropped from the address)."""

    def __init__(self, app: Any, token: str) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        given = request.headers.get("authorization", "")
        if given.lower().startswith("bearer ") and _same(given[7:].strip(), self.token):
            return await call_next(request)
        if _same(request.cookies.get(TOKEN_COOKIE, ""), self.token):
            return await call_next(request)
        if request.method == "GET" and _same(request.query_params.get("token", ""), self.token):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
            return response
        return PlainTextResponse("a token is required: Authorization: Bearer TOKEN, or open the view once with "
                                 "?token=TOKEN", status_code=401, headers={"WWW-Authenticate": "Bearer"})


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def create_app(data: WebData) -> FastAPI:
    """The web view over ``data``."""
    app = FastAPI(title="jen web view", version="1", docs_url=None, redoc_url=None,
                  description="Queues, runs, dead letters, records and copies of the jen crawler, as JSON.")
    app.add_middleware(SecurityHeaders)
    if data.config.web.token:
        app.add_middleware(TokenGate, token=data.config.web.token)
    # Autoescaping on for every template: what is shown comes from hostile pages.
    templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                                                       autoescape=True, undefined=jinja2.ChainableUndefined))
    templates.env.globals["seconds_text"] = views.seconds_text
    collector_registry = registry_for(JenCollector(data.overview, data.runs, lambda: data.dead_letters.iter()))

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = templates.TemplateResponse(request, name, {"csrf": csrf, **context}, status_code=status_code)
        if request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return response

    # --- pages ---------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(request: Request) -> HTMLResponse:
        overview = data.overview()
        runs = data.runs()
        return page(request, "overview.html", overview=overview,
                    last_runs=views.runs_by_source(runs, overview["sources"]),
                    recent=[views.run_row(r) for r in runs[:RECENT_RUNS]])

    @app.post("/crawl", response_class=HTMLResponse, include_in_schema=False)
    async def crawl_now(request: Request) -> HTMLResponse:
        form = {k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        if not _same(form.get("csrf", ""), request.cookies.get(CSRF_COOKIE, "")):
            return page(request, "crawl_result.html", 403, errors=["the form has expired (no valid CSRF token): "
                                                                   "reload the page and press again"], runs=[])
        source = form.get("source", "")
        urls = [u.strip() for u in form.get("urls", "").split() if u.strip()]
        # Off the event loop: Redis calls may wait out a busy or restarting Redis (the client retries).
        status, errors, runs = await run_in_threadpool(crawl, data, source, urls)
        return page(request, "crawl_result.html", status, errors=errors, runs=runs, source=source)

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(request: Request, run_id: str) -> HTMLResponse:
        run = data.run(run_id)
        if run is None:
            return page(request, "error.html", 404, message=f"no run {run_id!r} (it may not have started yet)")
        return page(request, "run.html", run=views.run_row(run), raw=json.dumps(run, indent=2, ensure_ascii=False))

    @app.get("/dead-letters", response_class=HTMLResponse, include_in_schema=False)
    def dead_letters_page(request: Request, source: str = "", reason: str = "") -> HTMLResponse:
        entries, sources, reasons = dead_letters(data, source or None, reason or None)
        return page(request, "dead_letters.html", entries=entries, sources=sources, reasons=reasons,
                    source=source, reason=reason, total=len(data.dead_letters))

    @app.get("/records", response_class=HTMLResponse, include_in_schema=False)
    def records_page(request: Request, id: str = "", q: str = "", source: str = "", published_from: str = "",
                     published_to: str = "") -> Response:
        query = {"id": id, "q": q, "source": source, "published_from": published_from, "published_to": published_to}
        if id.strip():
            if data.records.store.get(id.strip()) is not None:
                return RedirectResponse(f"/records/{quote(id.strip(), safe='/:')}", status_code=303)
            return page(request, "records.html", 404, found=[], error=f"no stored record has the id {id.strip()!r}",
                        query=query, sources=list(data.config.sources))
        error, found = None, []
        try:
            found = data.records.search(text=q or None, source=source or None, published_from=published_from or None,
                                        published_to=published_to or None, limit=100)
        except ValueError as exc:
            error = str(exc)
        return page(request, "records.html", 400 if error else 200, found=found, error=error, query=query,
                    sources=list(data.config.sources))

    @app.get("/records/{record_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def record_page(request: Request, record_id: str) -> HTMLResponse:
        record = data.records.get(record_id)
        if record is None:
            return page(request, "error.html", 404, message=f"no stored record has the id {record_id!r}")
        return page(request, "record.html", record=record)

    @app.get("/copies", response_class=HTMLResponse, include_in_schema=False)
    def copies_page(request: Request) -> HTMLResponse:
        return page(request, "copies.html", clusters=clusters(data))

    @app.get("/copies/{original:path}", response_class=HTMLResponse, include_in_schema=False)
    def cluster_page(request: Request, original: str, copy: str = "") -> HTMLResponse:
        detector = data.detector()
        cluster = detector.cluster_of(original) if detector is not None else None
        if cluster is None:
            return page(request, "error.html", 404, message=f"{original!r} is in no cluster of copies")
        member_ids = [m[0] for m in cluster.members]
        chosen = copy if copy in member_ids else member_ids[0]
        found = data.records.store.get_many([cluster.original, *member_ids])
        return page(request, "cluster.html", cluster=cluster, titles={k: v.get("title") for k, v in found.items()},
                    chosen=chosen, compare=compare(data, cluster.original, chosen))

    # --- API ---------------------------------------------------------------------------------------
    @app.get("/api/overview", tags=["queues"], summary="Every queue's counts: what `jen inspect --json` prints")
    def api_overview() -> JSONResponse:
        return JSONResponse(data.overview())

    @app.get("/api/runs", tags=["runs"], summary="Run records, newest first")
    def api_runs(source: str | None = None, limit: int = Query(50, ge=1, le=1000)) -> JSONResponse:
        runs = [r for r in data.runs() if source is None or r.get("source") == source]
        return JSONResponse(runs[:limit])

    @app.get("/api/runs/{run_id}", tags=["runs"], summary="One run record")
    def api_run(run_id: str) -> JSONResponse:
        run = data.run(run_id)
        if run is None:
            raise HTTPException(404, f"no run {run_id!r}")
        return JSONResponse(run)

    @app.get("/api/dead-letters", tags=["dead letters"], summary="Dead letters, most recently seen first")
    def api_dead_letters(source: str | None = None, reason: str | None = None) -> JSONResponse:
        return JSONResponse(dead_letters(data, source, reason)[0])

    @app.get("/api/records", tags=["records"], summary="Search records: title words, source, published dates")
    def api_records(q: str | None = None, source: str | None = None, published_from: str | None = None,
                    published_to: str | None = None, limit: int = Query(50, ge=1, le=1000),
                    offset: int = Query(0, ge=0)) -> JSONResponse:
        try:
            found = data.records.search(text=q, source=source, published_from=published_from,
                                        published_to=published_to, limit=limit, offset=offset)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from exc
        return JSONResponse(json.loads(json.dumps(found, default=str)))

    @app.get("/api/records/{record_id:path}", tags=["records"], summary="One record with its current copy flags")
    def api_record(record_id: str) -> JSONResponse:
        record = data.records.get(record_id)
        if record is None:
            raise HTTPException(404, f"no stored record has the id {record_id!r}")
        return JSONResponse(json.loads(json.dumps(record, default=str)))

    @app.get("/api/clusters", tags=["copies"], summary="Clusters of copies, largest first (as `jen dupes --json`)")
    def api_clusters() -> JSONResponse:
        detector = data.detector()
        return JSONResponse([c.to_dict() for c in detector.clusters()] if detector is not None else [])

    @app.get("/api/compare", tags=["copies"], summary="Two records' paragraphs with their shared passages")
    def api_compare(original: str, copy: str) -> JSONResponse:
        result = compare(data, original, copy)
        if result is None:
            raise HTTPException(404, "both records must be stored")
        return JSONResponse(result)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return Response(generate_latest(collector_registry), media_type=CONTENT_TYPE_LATEST)

    return app


# --- what the pages and the API share ----------------------------------------------------------------
def crawl(data: WebData, source: str, urls: list[str]) -> tuple[int, list[str], list[dict[str, Any]]]:
    """Crawl now: (HTTP status, messages, queued runs), through `jen crawl`'s path and with its messages."""
    from crawler.cli.crawl import NO_SERVICE_MESSAGE, queue_triggers, refuse_urls, service_alive

    if source not in data.config.sources:
        return 404, [f"no source {source!r}; one of {', '.join(sorted(data.config.sources))}"], []
    keys = data.keys
    if not service_alive(data.client, keys):
        return 409, [NO_SERVICE_MESSAGE.split(", or use --here")[0]], []
    window = keys.crawl_now_window(source)
    with data.client.pipeline(transaction=True) as pipe:
        pipe.set(window, 0, ex=RATE_WINDOW, nx=True)  # a new window starts at the first press, for a minute
        pipe.incr(window)  # keeps the window's expiry
        pipe.ttl(window)
        _, presses, ttl = pipe.execute()
    limit = data.config.web.crawl_now_per_minute
    if int(presses) > limit:
        return 429, [f"Crawl now for {source} is limited to {limit} a minute (web.crawl_now_per_minute): try again "
                     f"in {max(1, int(ttl))} s"], []
    good, refused = refuse_urls(data.config, data.client, keys, source, urls, "jen web")
    if refused and not good:
        return 400, refused, []
    triggers = queue_triggers(data.client, keys, [source], good)
    return 202, refused, [{"id": t.id, "source": t.source, "urls": t.urls} for t in triggers]


def dead_letters(data: WebData, source: str | None, reason: str | None
                 ) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(the entries of ``source`` with ``reason``, newest first, at most MAX_ROWS; every source and reason seen)."""
    entries, sources, reasons = [], set(), set()
    for entry in data.dead_letters.iter():
        sources.add(str(entry.get("source") or ""))
        reasons.add(str(entry.get("reason") or ""))
        if (source is None or entry.get("source") == source) and (reason is None or entry.get("reason") == reason) \
                and len(entries) < MAX_ROWS:
            entries.append(entry)
    return entries, sorted(sources), sorted(reasons)


def clusters(data: WebData) -> list[dict[str, Any]]:
    """Every cluster, largest first, with the titles and sources of its records."""
    detector = data.detector()
    if detector is None:
        return []
    found = detector.clusters()
    ids = [i for c in found for i in (c.original, *(m[0] for m in c.members))]
    stored = data.records.store.get_many(ids)
    out = []
    for c in found:
        original = stored.get(c.original) or {}
        out.append({"original": c.original, "title": original.get("title"), "source": original.get("source"),
                    "published": original.get("published"),
                    "copies": [{"id": m, "similarity": s, "containment": k,
                                "title": (stored.get(m) or {}).get("title"),
                                "source": (stored.get(m) or {}).get("source")} for m, s, k in c.members]})
    return out


def compare(data: WebData, original_id: str, copy_id: str) -> dict[str, Any] | None:
    """The original and the copy side by side: paragraphs cut into segments, shared passages marked."""
    found = data.records.store.get_many([original_id, copy_id])
    if original_id not in found or copy_id not in found:
        return None
    current = data.records.get(copy_id) or found[copy_id]
    original, copy = found[original_id], found[copy_id]
    left, right, covered = views.shared_passages(list(original.get("body") or []), list(copy.get("body") or []))
    side = ("id", "title", "source", "url", "published", "byline")
    return {"original": {k: original.get(k) for k in side} | {"paragraphs": left},
            "copy": {k: copy.get(k) for k in side} | {"paragraphs": right},
            "similarity": current.get("similarity"), "containment": current.get("containment"),
            "duplicate_of": current.get("duplicate_of"), "shared_share": round(covered, 3)}
