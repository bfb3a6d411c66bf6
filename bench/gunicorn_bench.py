"""gunicorn settings for bench/run.py, instead of the production gunicorn.conf.py it would read
from the working directory: no access log (its writes are not the app's cost), no worker
recycling (max_requests would restart workers mid-run and lose their CPU times), and the
workers, class and bind given on the command line."""

accesslog = None
errorlog = "-"
loglevel = "warning"
max_requests = 0
preload_app = True
control_socket_disable = True
