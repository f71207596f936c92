"""A real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) that refuses the recipients named on the command
line with 550 and accepts every other. Prints its port, then serves until stdin closes.
Run with /usr/bin/python3, which has aiosmtpd."""
import sys

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, refused):
        self.refused = set(refused)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"


if __name__ == "__main__":
    port = int(sys.argv[1])
    c = Controller(Handler(sys.argv[2:]), hostname="127.0.0.1", port=port)
    c.start()
    print(port, flush=True)
    sys.stdin.read()
    c.stop()
