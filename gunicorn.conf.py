"""gunicorn settings for production and `make serve`; each can be overridden from the environment.

Run: gunicorn magazine.wsgi (gunicorn reads this file from the working directory).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual (2 x cores) + 1 sync workers, each with a few threads so a slow client or a slow
# query does not stall a whole worker.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A worker whose main loop stops answering for this long is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# gthread workers keep their heartbeat while one thread is stuck, so `timeout` alone never stops
# a runaway request: a watchdog in each worker interrupts any request running longer than this
# (503), and replaces the worker if the request is still running `grace` seconds later
# (magazine/deadline.py). Below nginx's proxy_read_timeout, so readers see our message.
request_time_limit = float(os.environ.get("GUNICORN_REQUEST_TIME_LIMIT", "25"))
request_time_grace = float(os.environ.get("GUNICORN_REQUEST_TIME_GRACE", "5"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never grows; jitter keeps them from all
# restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The backlog of connections waiting for a worker (loads of 64+ clients queue here).
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))

# Logs go to stdout/stderr for the process manager (systemd, a container runtime) to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Only the local reverse proxy may tell us the original scheme and client address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the app before forking: faster start, less memory; connections open after the fork.
preload_app = True
# gunicorn 24+ opens a control socket in $HOME shared by every gunicorn of the user; the process
# manager controls ours with signals, so it is off.
control_socket_disable = True


def post_fork(server, worker):
    from magazine.deadline import Watchdog

    worker.request_watchdog = Watchdog(limit=request_time_limit, grace=request_time_grace)
    worker.request_watchdog.start()


def pre_request(worker, req):
    worker.request_watchdog.begin()


def post_request(worker, req, environ, resp):
    worker.request_watchdog.end()
