"""Inside the sandbox: forward 127.0.0.1:PORT to the Unix socket the host bound in, so boto3 with
AWS_ENDPOINT_URL reaches the learner's emulated AWS account and nothing else.

One thread relays every connection (a selector over both ends of each), so a function with many
threads of its own never runs the environment out of processes by opening connections.
"""

import selectors
import socket
import threading


def _close(selector: selectors.BaseSelector, pairs: dict, sock: socket.socket) -> None:
    peer = pairs.pop(sock, None)
    for end in (sock, peer):
        if end is None:
            continue
        pairs.pop(end, None)
        try:
            selector.unregister(end)
        except (KeyError, ValueError):
            pass
        end.close()


def _relay(listener: socket.socket, path: str) -> None:
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    pairs: dict[socket.socket, socket.socket] = {}
    while True:
        for key, _ in selector.select():
            sock = key.fileobj
            if sock is listener:
                client, _ = listener.accept()
                upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    upstream.connect(path)
                except OSError:
                    client.close()
                    upstream.close()
                    continue
                pairs[client], pairs[upstream] = upstream, client
                selector.register(client, selectors.EVENT_READ)
                selector.register(upstream, selectors.EVENT_READ)
                continue
            if sock not in pairs:
                continue
            try:
                data = sock.recv(65536)
                if data:
                    pairs[sock].sendall(data)
                    continue
            except OSError:
                pass
            _close(selector, pairs, sock)


def start(path: str, port: int) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    threading.Thread(target=_relay, args=(listener, path), daemon=True, name="aws-forwarder").start()
