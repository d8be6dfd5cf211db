"""The official FA(3) schema (xsd/LICENSES says where the files come from), loaded once
from the project's files. Its imports name crd.gov.pl addresses: a resolver maps them to
the copies beside this module, so validation never reaches for the network."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).with_name("xsd")
MAIN = "schemat_FA(3)_v1-0E.xsd"
NAMESPACE = "http://crd.gov.pl/wzor/2025/06/25/13775/"


class _LocalCopies(etree.Resolver):
    def resolve(self, system_url, public_id, context):
        name = str(system_url).rsplit("/", 1)[-1]
        local = XSD_DIR / name
        if local.is_file():
            return self.resolve_filename(str(local), context)
        # Anything else would be a network fetch: refuse it rather than hang offline.
        raise etree.XMLSchemaParseError(f"schema import {system_url} is not shipped")


@cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalCopies())
    doc = etree.parse(str(XSD_DIR / MAIN), parser)
    return etree.XMLSchema(doc)


@cache
def eu_prefixes() -> frozenset[str]:
    """The KodUE list of FA(3) (TKodyKrajowUE) without PL: a VAT number with one of these
    prefixes is an EU buyer's (Greece is EL; XI is Northern Ireland's traders). Read from
    the schema, so a new member state arrives with the schema."""
    doc = etree.parse(str(XSD_DIR / MAIN), etree.XMLParser(no_network=True))
    xs = {"xsd": "http://www.w3.org/2001/XMLSchema"}
    values = doc.xpath(
        "//xsd:simpleType[@name='TKodyKrajowUE']//xsd:enumeration/@value", namespaces=xs
    )
    return frozenset(str(v) for v in values) - {"PL"}


def errors(xml: bytes) -> list[str]:
    """The schema's complaints about a document, each with its line; empty when valid."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        doc = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not XML: {exc}"]
    checker = schema()
    if checker.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]
