"""Finding 1 of issue 11, replayed: 14 connections each pipeline 1000 x GET .../blocks/0?count=64 and read nothing.

Starts the gateway jar given (durability none) on a fresh data directory, floods for 45 s while it polls /health/live
and the process's RSS, then reports the peak RSS, the slowest /health/live answer, how many flooding connections the
gateway closed, a later GET's answer and the connection metrics. Loopback only.

Usage: python3 bench/stall.py gateway/server/target/strongroom-gateway.jar PORT EMPTY_DATA_DIR
"""
import json, os, socket, subprocess, sys, time, threading, urllib.request
jar, port, data = sys.argv[1], int(sys.argv[2]), sys.argv[3]
proc = subprocess.Popen(["java", "-jar", jar, "--port", str(port), "--data-dir", data, "--durability", "none"],
                        stdout=subprocess.DEVNULL, stderr=open(data + ".log", "w"))
def rss():
    for line in open(f"/proc/{proc.pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
def req(method, path, token, body=None, timeout=60):
    r = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                               headers={"Authorization": "Bearer " + token} if token else {})
    t = time.time()
    with urllib.request.urlopen(r, timeout=timeout) as resp:
        resp.read()
        return resp.status, time.time() - t
for _ in range(600):
    try:
        req("GET", "/health/live", None, timeout=2); break
    except Exception:
        time.sleep(0.2)
token = json.load(open(data + "/credentials.json"))["admin"]["token"]
req("POST", "/v1/volumes", token, json.dumps({"name": "nr", "sizeBytes": 1 << 30}).encode())
print("pid", proc.pid, "RSS before MB", rss(), flush=True)
one = (f"GET /v1/volumes/nr/blocks/0?count=64 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n").encode()
socks = []
def flood(s):
    try:
        s.sendall(one * 1000)
    except OSError:
        pass
threads = []
for i in range(14):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    socks.append(s)
    t = threading.Thread(target=flood, args=(s,), daemon=True); t.start(); threads.append(t)
peak = 0
worst_live = 0
start = time.time()
while time.time() - start < 45:
    peak = max(peak, rss())
    try:
        st, dt = req("GET", "/health/live", None, timeout=30)
        worst_live = max(worst_live, dt)
    except Exception as e:
        print("live failed", e, flush=True); worst_live = 99
    time.sleep(0.5)
closed = 0
for s in socks:
    s.setblocking(True); s.settimeout(5)
    try:
        while s.recv(1 << 20):
            pass
        closed += 1
    except (ConnectionResetError,):
        closed += 1
    except socket.timeout:
        pass
st, dt = req("GET", "/v1/volumes/nr/blocks/5", token)
print(f"peak RSS MB {peak}, worst /health/live s {worst_live:.3f}, connections closed by gateway {closed}/14, "
      f"GET after: {st} in {dt:.3f}s, RSS end MB {rss()}", flush=True)
m = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/metrics",
        headers={"Authorization": "Bearer " + token})).read().decode()
print("\n".join(l for l in m.splitlines() if l.startswith("strongroom_http_connections") or l.startswith("strongroom_http_response_bytes_pending")))
proc.terminate(); proc.wait(30)
