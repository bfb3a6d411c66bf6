"""A WSGI app for the request time limit test: /spin runs Python forever, /block waits in C
(time.sleep) forever, /pid says which worker answered."""

import os
import time


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/spin":
        while True:
            sum(range(1000))
    if path == "/block":
        time.sleep(3600)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
