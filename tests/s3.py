"""A local S3-compatible server for the tests: moto's, from PyPI, on 127.0.0.1."""

import contextlib
import json
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest

from tests.live_site import free_port


@contextlib.contextmanager
def moto_server():
    """moto's S3-compatible server in its own process on a free port of 127.0.0.1."""
    port = free_port()
    server = subprocess.Popen(
        [Path(sys.executable).with_name("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.1)
    try:
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def s3_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def bucket_storage(endpoint):
    """The STORAGES entry for media on a new bucket of the server, configured as production
    is (learningcities/settings.py)."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = s3_client(endpoint)
    client.create_bucket(Bucket=name)
    # Photos are public: anyone may read photos/, only the app (with its keys) may write;
    # what else the app stores (photos kept for refused forms, kept-uploads/) stays private.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/photos/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read))
    return {
        "BACKEND": "learningcities.storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": name,
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "access_key": "test",
            "secret_key": "test",
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
