"""A small DNS server on 127.0.0.1 for the tests, answering from a table each test gives:

    {"cdn.gone.example": "nxdomain", "broken.example": "servfail", "slow.example": "drop",
     "tags.example": {"A": "127.0.0.1"}, "example": {"SOA": True, "NS": True}}

A name's entry is "nxdomain", "servfail", "drop" (no answer: the client times out) or a dict of the
record types it has (A: an IPv4 address; SOA and NS: True; CNAME: the name it is an alias of); a
type the dict lacks is answered NOERROR without records. A name with a CNAME is answered as a
recursive resolver does: the chain of CNAME records through the table (at most MAX_CHAIN), then
the last name's records of the asked type, with the last name's rcode. Names not in the table get `default`, except "com", which exists unless
the table says otherwise (tagwarden asks about it to tell a cut-off resolver from a real one).
Every question is recorded in `questions` as (name, type) with type "A", "SOA", "NS" or the
number. As a server without EDNS does, a reply longer than 512 bytes goes over UDP cut to its
question with the TC bit set, and the whole reply over TCP on the same port (questions asked over
TCP are recorded with "/tcp" after the type)."""

import socket
import struct
import threading

TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 28: "AAAA"}
NOERROR, SERVFAIL, NXDOMAIN = 0, 2, 3
MAX_CHAIN = 40
UDP_LIMIT = 512


def truncated(reply, question_bytes):
    """A reply too long for UDP: its header with TC set and no records, then the question."""
    query_id, flags = struct.unpack("!HH", reply[:4])
    return struct.pack("!HHHHHH", query_id, flags | 0x0200, 1, 0, 0, 0) + question_bytes


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


def answer(packet, entry, lookup=lambda name: "nxdomain"):
    """The reply to `packet` for its table entry, or None to drop it; `lookup` gives the entry of
    a name a CNAME leads to."""
    question = read_question(packet)
    if question is None or entry == "drop":
        return None
    name, qtype, raw = question
    rcode, records = NOERROR, []
    owner = b"\xc0\x0c"  # the question's name
    for _ in range(MAX_CHAIN):
        if not isinstance(entry, dict) or "CNAME" not in entry or qtype == 5:
            break
        target = entry["CNAME"].lower().strip(".")
        rdata = encode_name(target)
        records.append(owner + struct.pack("!HHIH", 5, 1, 60, len(rdata)) + rdata)
        owner, entry = rdata, lookup(target)
    if entry == "drop":
        return None
    if entry == "nxdomain":
        rcode = NXDOMAIN
    elif entry == "servfail":
        rcode = SERVFAIL
    elif TYPES.get(qtype) in entry:
        rdata = record(qtype, entry[TYPES[qtype]])
        if rdata is None and qtype == 5:
            rdata = encode_name(entry["CNAME"])
        if rdata is not None:
            records.append(owner + struct.pack("!HHIH", qtype, 1, 60, len(rdata)) + rdata)
    query_id, flags = struct.unpack("!HH", packet[:4])
    reply_flags = 0x8000 | (flags & 0x0100) | 0x0080 | rcode  # response, RD copied, RA
    header = struct.pack("!HHHHHH", query_id, reply_flags, 1, len(records), 0, 0)
    return header + raw + b"".join(records)


def bind_udp_and_tcp():
    """A UDP and a TCP socket on the same free port of 127.0.0.1 (a port free for UDP may be
    taken for TCP: try again with another)."""
    for _ in range(100):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind(("127.0.0.1", udp.getsockname()[1]))
            return udp, tcp
        except OSError:
            udp.close()
            tcp.close()
    raise OSError("no port of 127.0.0.1 is free for both UDP and TCP")


class DnsResponder:
    def __init__(self, table, default="nxdomain"):
        self.table = {"com": {"SOA": True, "NS": True}}
        self.table.update({name.lower().strip("."): entry for name, entry in table.items()})
        self.default = default
        self.questions = []
        self._socket, self._tcp = bind_udp_and_tcp()
        self._socket.settimeout(0.1)
        self._tcp.listen(8)
        self._tcp.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._tcp_thread = threading.Thread(target=self._serve_tcp, daemon=True)

    @property
    def address(self):
        return f"127.0.0.1:{self._socket.getsockname()[1]}"

    def _serve(self):
        while not self._stop.is_set():
            try:
                packet, client = self._socket.recvfrom(4096)
            except socket.timeout:
                continue
            reply = self._reply(packet, "")
            if reply is not None:
                if len(reply) > UDP_LIMIT:
                    reply = truncated(reply, read_question(packet)[2])
                self._socket.sendto(reply, client)

    def _reply(self, packet, transport):
        question = read_question(packet) if len(packet) >= 12 else None
        if question is None:
            return None
        name, qtype, _ = question
        self.questions.append((name, f"{TYPES.get(qtype, qtype)}{transport}"))
        return answer(packet, self.table.get(name, self.default),
                      lambda target: self.table.get(target, self.default))

    def _serve_tcp(self):
        while not self._stop.is_set():
            try:
                connection, _ = self._tcp.accept()
            except socket.timeout:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self._answer_stream(connection)
                except (OSError, struct.error):
                    pass

    def _answer_stream(self, connection):
        """Length-prefixed queries until the client closes (RFC 1035 4.2.2)."""
        while True:
            prefix = connection.recv(2)
            if len(prefix) < 2:
                return
            length = struct.unpack("!H", prefix)[0]
            packet = b""
            while len(packet) < length:
                chunk = connection.recv(length - len(packet))
                if not chunk:
                    return
                packet += chunk
            reply = self._reply(packet, "/tcp")
            if reply is not None:
                connection.sendall(struct.pack("!H", len(reply)) + reply)

    def __enter__(self):
        self._thread.start()
        self._tcp_thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._tcp_thread.join()
        self._socket.close()
        self._tcp.close()


def closed_port_address():
    """An address on 127.0.0.1 where nothing listens (queries are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"
