from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginProtectionBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request.

    Axes refuses to authenticate without a request, but scripts and the test client's
    `login()` have none, and without an address there is nothing to lock out: those go
    straight to Django's own backend.
    """

    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip_address(request):
    """The visitor's address, as the trusted proxies in front saw it (AXES_CLIENT_IP_CALLABLE).

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    TRUSTED_PROXIES proxies in front, the Nth entry from the right is the visitor's; anything
    further left was written by the client and may be forged. Without proxies the header is
    ignored. A request with fewer entries did not come through the proxies: its own peer.
    """
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if proxies and len(addresses) >= proxies:
        return addresses[-proxies]
    return request.META.get("REMOTE_ADDR")
