"""The venue's clock: times in the record shown in the round's local time.

A round may declare `timezone` (an IANA name) in round.toml; otherwise the zone follows from
its province (Indonesia has three: WIB, WITA, WIT). Only when neither is known are times
shown in UTC, and the record says so. The zone is display only: it is in no fingerprint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from panel_tui.domain.model import Round

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"

# Indonesia's 38 provinces (2022 onwards) by the zone of their capital.
PROVINCE_ZONES: dict[str, str] = {
    **dict.fromkeys(
        (
            "aceh",
            "sumatera utara",
            "sumatera barat",
            "riau",
            "kepulauan riau",
            "jambi",
            "bengkulu",
            "sumatera selatan",
            "kepulauan bangka belitung",
            "lampung",
            "banten",
            "dki jakarta",
            "jawa barat",
            "jawa tengah",
            "di yogyakarta",
            "jawa timur",
            "kalimantan barat",
            "kalimantan tengah",
        ),
        WIB,
    ),
    **dict.fromkeys(
        (
            "bali",
            "nusa tenggara barat",
            "nusa tenggara timur",
            "kalimantan selatan",
            "kalimantan timur",
            "kalimantan utara",
            "sulawesi utara",
            "gorontalo",
            "sulawesi tengah",
            "sulawesi barat",
            "sulawesi selatan",
            "sulawesi tenggara",
        ),
        WITA,
    ),
    **dict.fromkeys(
        (
            "maluku",
            "maluku utara",
            "papua",
            "papua barat",
            "papua barat daya",
            "papua selatan",
            "papua tengah",
            "papua pegunungan",
        ),
        WIT,
    ),
}

# Other names a round file may use for the same province.
_ALIASES = {
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
    "jakarta": "dki jakarta",
    "daerah khusus ibukota jakarta": "dki jakarta",
    "daerah istimewa yogyakarta": "di yogyakarta",
    "diy": "di yogyakarta",
    "yogyakarta": "di yogyakarta",
    "bangka belitung": "kepulauan bangka belitung",
    "babel": "kepulauan bangka belitung",
    "kepri": "kepulauan riau",
    "sumut": "sumatera utara",
    "sumbar": "sumatera barat",
    "sumsel": "sumatera selatan",
    "jabar": "jawa barat",
    "jateng": "jawa tengah",
    "jatim": "jawa timur",
    "sulut": "sulawesi utara",
    "sulsel": "sulawesi selatan",
    "sulteng": "sulawesi tengah",
    "sultra": "sulawesi tenggara",
    "sulbar": "sulawesi barat",
    "kalbar": "kalimantan barat",
    "kalteng": "kalimantan tengah",
    "kalsel": "kalimantan selatan",
    "kaltim": "kalimantan timur",
    "kaltara": "kalimantan utara",
    "malut": "maluku utara",
    "west nusa tenggara": "nusa tenggara barat",
    "east nusa tenggara": "nusa tenggara timur",
    "north sumatra": "sumatera utara",
    "west sumatra": "sumatera barat",
    "south sumatra": "sumatera selatan",
    "riau islands": "kepulauan riau",
    "bangka belitung islands": "kepulauan bangka belitung",
    "west java": "jawa barat",
    "central java": "jawa tengah",
    "east java": "jawa timur",
    "special region of yogyakarta": "di yogyakarta",
    "west kalimantan": "kalimantan barat",
    "central kalimantan": "kalimantan tengah",
    "south kalimantan": "kalimantan selatan",
    "east kalimantan": "kalimantan timur",
    "north kalimantan": "kalimantan utara",
    "north sulawesi": "sulawesi utara",
    "central sulawesi": "sulawesi tengah",
    "west sulawesi": "sulawesi barat",
    "south sulawesi": "sulawesi selatan",
    "southeast sulawesi": "sulawesi tenggara",
    "north maluku": "maluku utara",
    "west papua": "papua barat",
    "southwest papua": "papua barat daya",
    "south papua": "papua selatan",
    "central papua": "papua tengah",
    "highland papua": "papua pegunungan",
}

_ABBREVIATIONS = {WIB: "WIB", "Asia/Pontianak": "WIB", WITA: "WITA", WIT: "WIT"}
_PREFIX = re.compile(r"^(provinsi|prov|province of|province)\s+")


@dataclass(frozen=True)
class LocalZone:
    name: str  # the IANA name, "UTC" when unknown
    label: str  # WIB / WITA / WIT, or the zone's own abbreviation
    source: str  # "declared" | "province" | "unknown"

    @property
    def known(self) -> bool:
        return self.source != "unknown"

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:  # the app stores UTC
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(_zone(self.name))


UTC_ZONE = LocalZone("UTC", "UTC", "unknown")


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def known_zone(name: str) -> bool:
    """Whether `name` is an IANA zone this machine knows (tzdata ships them everywhere)."""
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def province_zone(province: str) -> str | None:
    key = " ".join(re.sub(r"[^a-z ]", " ", province.lower()).split())
    key = _PREFIX.sub("", key)
    key = _ALIASES.get(key, key)
    return PROVINCE_ZONES.get(key)


def label_of(name: str, moment: datetime | None = None) -> str:
    if name in _ABBREVIATIONS:
        return _ABBREVIATIONS[name]
    at = moment or datetime.now(UTC)
    abbreviation = at.astimezone(_zone(name)).tzname() or name
    # Zones without a letter abbreviation print "+08": the IANA name says more.
    return name if abbreviation[:1] in "+-" else abbreviation


def zone_of(round_: Round) -> LocalZone:
    """The round's declared zone, else its province's, else UTC (unknown)."""
    if round_.timezone and known_zone(round_.timezone):
        return LocalZone(round_.timezone, label_of(round_.timezone), "declared")
    by_province = province_zone(round_.province)
    if by_province:
        return LocalZone(by_province, label_of(by_province), "province")
    return UTC_ZONE


def parse_utc(stamp: str) -> datetime | None:
    """2026-11-22T05:29:39.372Z (or with +00:00, or with a space) as an aware datetime."""
    try:
        moment = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def offset_text(moment: datetime) -> str:
    """UTC+8 / UTC+5:30 for a local moment."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
