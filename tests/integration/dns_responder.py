"""A small DNS server on 127.0.0.1 for the tests, answering from a table each test gives:

    {"cdn.gone.example": "nxdomain", "broken.example": "servfail", "slow.example": "drop",
     "tags.example": {"A": "127.0.0.1"}, "example": {"SOA": True, "NS": True}}

A name's entry is "nxdomain", "servfail", "drop" (no answer: the client times out) or a dict of the
record types it has (A: an IPv4 address; SOA and NS: True); a type the dict lacks is answered
NOERROR without records. Names not in the table get `default`, except "com", which exists unless
the table says otherwise (tagwarden asks about it to tell a cut-off resolver from a real one).
Every question is recorded in `questions` as (name, type) with type "A", "SOA", "NS" or the
number."""

import socket
import struct
import threading

TYPES = {1: "A", 2: "NS", 6: "SOA", 28: "AAAA"}
NOERROR, SERVFAIL, NXDOMAIN = 0, 2, 3


def encode_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def read_question(packet):
    """(name, type, bytes of the question section) of a query, or None when malformed."""
    labels, at = [], 12
    while at < len(packet):
        length = packet[at]
        at += 1
        if length == 0:
            break
        labels.append(packet[at:at + length].decode("ascii", "replace").lower())
        at += length
    if at + 4 > len(packet):
        return None
    qtype = struct.unpack("!H", packet[at:at + 2])[0]
    return ".".join(labels), qtype, packet[12:at + 4]


def record(qtype, value):
    if qtype == 1:
        return socket.inet_aton(value)
    if qtype == 2:
        return encode_name("ns1.test-dns.invalid")
    if qtype == 6:
        return (encode_name("ns1.test-dns.invalid") + encode_name("hostmaster.test-dns.invalid") +
                struct.pack("!IIIII", 1, 3600, 600, 86400, 60))
    return None


def answer(packet, entry):
    """The reply to `packet` for its table entry, or None to drop it."""
    question = read_question(packet)
    if question is None or entry == "drop":
        return None
    name, qtype, raw = question
    rcode, records = NOERROR, []
    if entry == "nxdomain":
        rcode = NXDOMAIN
    elif entry == "servfail":
        rcode = SERVFAIL
    elif TYPES.get(qtype) in entry:
        rdata = record(qtype, entry[TYPES[qtype]])
        if rdata is not None:
            records.append(struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rdata)) + rdata)
    query_id, flags = struct.unpack("!HH", packet[:4])
    reply_flags = 0x8000 | (flags & 0x0100) | 0x0080 | rcode  # response, RD copied, RA
    header = struct.pack("!HHHHHH", query_id, reply_flags, 1, len(records), 0, 0)
    return header + raw + b"".join(records)


class DnsResponder:
    def __init__(self, table, default="nxdomain"):
        self.table = {"com": {"SOA": True, "NS": True}}
        self.table.update({name.lower().strip("."): entry for name, entry in table.items()})
        self.default = default
        self.questions = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self):
        return f"127.0.0.1:{self._socket.getsockname()[1]}"

    def _serve(self):
        while not self._stop.is_set():
            try:
                packet, client = self._socket.recvfrom(4096)
            except socket.timeout:
                continue
            question = read_question(packet) if len(packet) >= 12 else None
            if question is None:
                continue
            name, qtype, _ = question
            self.questions.append((name, TYPES.get(qtype, qtype)))
            reply = answer(packet, self.table.get(name, self.default))
            if reply is not None:
                self._socket.sendto(reply, client)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._socket.close()


def closed_port_address():
    """An address on 127.0.0.1 where nothing listens (queries are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"
