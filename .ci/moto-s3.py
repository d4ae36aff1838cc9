"""Runs moto's S3 server with one write at a time (usage: python moto-s3.py PORT).

moto checks a conditional put (`If-None-Match: *`, `If-Match: ETAG`) and then writes the
object as two separate steps, with no lock between them. Its own `moto_server` serves each
connection on its own thread, so two creates of one name that arrive together can both pass
the check and both succeed, which S3 itself never allows (the conformance case
`concurrent_creates` caught it in CI). Here every write runs under one lock, so a
conditional put is atomic as it is on S3. Only writes take the lock: reads still run side by
side, on a thread per connection.
"""
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def writes_one_at_a_time(environ, start_response):
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
        return app(environ, start_response)
    with lock:
        # The whole answer is produced under the lock (moto builds answers in memory).
        return [b"".join(app(environ, start_response))]


run_simple("127.0.0.1", int(sys.argv[1]), writes_one_at_a_time, threaded=True,
           request_handler=MotoRequestHandler)
