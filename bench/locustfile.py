"""Mixed traffic for the load test (run by bench/mixed_traffic.py, not on its own).

Visitors read public pages (found by following the site's own links, so new pages are
covered without editing this file) and search; editors log into the admin and edit their own
"Learn more" link again and again; photo uploaders add photos through the admin. Every edit's
value and every upload's title is logged to EDIT_LOG, so that the driver can check afterwards
that none was lost.
"""

import io
import json
import os
import random
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from locust import HttpUser, between, events, task
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_site import Editor as AdminForms

EDIT_LOG = os.environ.get("LOADTEST_EDIT_LOG", "bench/results/edits.jsonl")
ACCOUNTS = json.loads(os.environ.get("LOADTEST_EDITORS", "[]"))
EDITORS = [account for account in ACCOUNTS if "change_url" in account]
UPLOADERS = [account for account in ACCOUNTS if "city" in account]
SEARCH_WORDS = ["quito", "loja", "aprendizaje", "learning", "cuenca", "familias", "azogues"]


class FormParser(HTMLParser):
    """The links of a page, and the fields of its forms as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action", ""),
                    "fields": {},
                    "method": attrs.get("method", "get"),
                }
            )
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            self._field(tag, attrs)
        elif tag == "option" and self.forms and "selected" in attrs:
            self.forms[-1]["fields"][self._select] = attrs.get("value", "")

    def _field(self, tag, attrs):
        name, fields = attrs["name"], self.forms[-1]["fields"]
        if tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif attrs.get("type") in ("checkbox", "radio"):
            if "checked" in attrs:
                fields[name] = attrs.get("value", "on")
        elif attrs.get("type") not in ("submit", "button", "file", "image"):
            fields[name] = attrs.get("value", "")

    def handle_data(self, data):
        if getattr(self, "_textarea", None):
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def parse(html):
    parser = FormParser()
    parser.feed(html)
    return parser


PUBLIC_PATHS = []
SEARCH_PATH = None


@events.test_start.add_listener
def discover_the_site(environment, **kwargs):
    """Crawl the public site once from the home page: every page the site links to."""
    global SEARCH_PATH
    import requests

    host = environment.host
    seen, queue = set(), ["/"]
    while queue and len(seen) < 200:
        path = queue.pop()
        response = requests.get(urljoin(host, path), timeout=10)
        seen.add(urlsplit(response.url).path)
        page = parse(response.text)
        for href in page.links:
            url = urlsplit(urljoin(response.url, href))
            if (
                url.netloc == urlsplit(host).netloc
                and not re.match(r"^/(admin|media|static)/", url.path)
                and not url.path.endswith((".json", ".csv", ".xml"))
                and url.path not in seen
                and url.path not in queue
            ):
                queue.append(url.path)
        for form in page.forms:
            if "search" in form["action"] and SEARCH_PATH is None:
                SEARCH_PATH = urlsplit(urljoin(response.url, form["action"])).path
    PUBLIC_PATHS.extend(sorted(seen))
    print(f"load test: {len(PUBLIC_PATHS)} public pages, search at {SEARCH_PATH}")


class Visitor(HttpUser):
    weight = 8
    wait_time = between(0.2, 1.0)

    @task(6)
    def read_a_page(self):
        self.client.get(random.choice(PUBLIC_PATHS), name="public page")

    @task(2)
    def search(self):
        if SEARCH_PATH is None:
            # The site has no search form: that is reported as a failure, never skipped.
            self.client.get("/search/?q=quito", name="search")
        else:
            self.client.get(SEARCH_PATH, params={"q": random.choice(SEARCH_WORDS)}, name="search")

    @task(1)
    def health(self):
        self.client.get("/healthz", name="/healthz")


def log_edit(username, value, number):
    with open(EDIT_LOG, "a") as log:
        log.write(json.dumps({"username": username, "value": value, "n": number}) + "\n")


class StaffMember(HttpUser):
    """Someone with an account of their own (`accounts`), logged into the admin."""

    abstract = True

    def on_start(self):
        self.account = self.accounts.pop()
        self.edits = 0
        self.log_in()

    def log_in(self):
        login = "/admin/login/"
        page = parse(self.client.get(login, name="admin login page").text)
        fields = page.forms[0]["fields"] | {
            "username": self.account["username"],
            "password": self.account["password"],
        }
        self.client.post(
            login, fields, headers={"Referer": self.client.base_url + login}, name="admin login"
        )

    @task(1)
    def log_out_and_in_again(self):
        page = parse(self.client.get("/admin/", name="admin index").text)
        logout = next(f for f in page.forms if "logout" in f["action"])
        self.client.post(logout["action"], logout["fields"], name="admin logout")
        self.log_in()


class Editor(StaffMember):
    accounts = EDITORS
    fixed_count = len(EDITORS)
    wait_time = between(0.5, 2.0)

    @task(5)
    def edit_my_link(self):
        change = self.account["change_url"]
        page = parse(self.client.get(change, name="admin change form").text)
        # The description, in every language where the site translates it (description_es…).
        form, boxes = next(
            (form, boxes)
            for form in page.forms
            if (boxes := [n for n in form["fields"] if re.fullmatch(r"description(_\w\w)?", n)])
        )
        self.edits += 1
        value = f"{self.account['username']} edit {self.edits}"
        fields = form["fields"] | dict.fromkeys(boxes, value) | {"_save": "Save"}
        with self.client.post(
            change,
            fields,
            headers={"Referer": self.client.base_url + change},
            name="admin save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"edit not saved: {response.status_code}")
                return
        log_edit(self.account["username"], value, self.edits)


def photo_bytes():
    """A camera-sized JPEG, made once: each upload is resized into the site's renditions."""
    output = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 110, 160)).save(output, "JPEG", quality=85)
    return output.getvalue()


PHOTO = photo_bytes()


class Uploader(StaffMember):
    """A member of "Photo uploaders" adding photos to a city; each one is checked afterwards
    to have its row and its file."""

    accounts = UPLOADERS
    fixed_count = len(UPLOADERS)
    wait_time = between(2.0, 5.0)

    @task(5)
    def add_a_photo(self):
        add = "/admin/cities/photo/add/"
        self.edits += 1
        title = f"{self.account['username']} upload {self.edits}"
        values = {"city": str(self.account["city"]), "title": title, "alt_text": "A bridge"}
        html = self.client.get(add, name="admin add photo form").text
        fields = AdminForms._typed(html, "photo_form", values | {"author": "Ana"})
        with self.client.post(
            add,
            [*fields, ("_save", "Save")],
            files={"image": ("photo.jpg", PHOTO, "image/jpeg")},
            headers={"Referer": self.client.base_url + add},
            name="admin upload photo",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"photo not saved: {response.status_code}")
                return
        log_edit(self.account["username"], title, self.edits)
