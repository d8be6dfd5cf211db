"""Reads /metrics as Prometheus would: the text format, parsed by prometheus_client."""

from __future__ import annotations

from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "scrape-token-that-is-long-enough-0123"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: Client | None = None) -> Samples:
    response = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.status_code
    samples: Samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """0 for a series not there yet (a counter nobody touched)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def has(samples: Samples, name: str, **labels: str) -> bool:
    return (name, tuple(sorted(labels.items()))) in samples
