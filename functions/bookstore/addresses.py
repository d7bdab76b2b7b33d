"""A delivery address: where an order goes, and the one a customer keeps on their profile for the next order.
One model for both, so an address saved at checkout is exactly one an order takes."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# ISO 3166-1 alpha-2: the 249 officially assigned codes.
_ISO_3166_1_ALPHA_2 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
    FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
    JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
    MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
    TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRY_CODES = frozenset(_ISO_3166_1_ALPHA_2.split())
# The patterns go in the document; the validators below enforce exactly them, with a message a person can act on.
# A line of an address: no C0 or C1 control characters, DEL, line or paragraph separators, nor the bidirectional
# embeddings, overrides and isolates (U+202A-E, U+2066-9: they can make an address read otherwise on the staff
# page); and at least one character that shows: not only spaces and zero-width characters. Written so that Python
# and ECMAScript read it alike (their \s differ only in characters excluded here anyway), so the document's
# pattern is exactly the rule.
_NOT_ON_A_LINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_BLANK = r"\s\u200b-\u200d\u2060\ufeff"
_TEXT_PATTERN = rf"^[^{_NOT_ON_A_LINE}]*[^{_BLANK}{_NOT_ON_A_LINE}][^{_NOT_ON_A_LINE}]*$"
_POSTAL_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 -]{0,8}[A-Za-z0-9]$"
_COUNTRY_PATTERN = r"^[A-Z]{2}$"
_TEXT_RE = re.compile(_TEXT_PATTERN)


def _address_text(value: str) -> str:
    """A line of an address: something to read, on one line; stored without the spaces around it."""
    if _TEXT_RE.fullmatch(value) is None:
        raise ValueError(
            "must have something to read, on one line: no line breaks, control or text-direction characters"
        )
    return value.strip()


def _postal_code(value: str) -> str:
    if re.fullmatch(_POSTAL_CODE_PATTERN, value) is None:
        raise ValueError("a postal code is 2 to 10 letters, digits, spaces or hyphens, starting and ending with a "
                         "letter or digit")  # fmt: skip
    return value


def _country(value: str) -> str:
    if value not in COUNTRY_CODES:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code in capitals, e.g. GB, US, DE")
    return value


def _text(max_length: int, description: str) -> Any:
    return Field(min_length=1, max_length=max_length, description=description,
                 json_schema_extra={"pattern": _TEXT_PATTERN})  # fmt: skip


class DeliveryAddress(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, _text(100, "Who receives the parcel"), AfterValidator(_address_text)]
    line1: Annotated[str, _text(100, "Street and number"), AfterValidator(_address_text)]
    line2: Annotated[str, _text(100, "Flat, building, care of"), AfterValidator(_address_text)] | None = None
    city: Annotated[str, _text(64, "Town or city"), AfterValidator(_address_text)]
    postal_code: Annotated[
        str,
        Field(
            description="2 to 10 letters, digits, spaces or hyphens",
            json_schema_extra={"pattern": _POSTAL_CODE_PATTERN},
        ),
        AfterValidator(_postal_code),
    ]
    country: Annotated[
        str,
        Field(description="ISO 3166-1 alpha-2 code, e.g. GB", json_schema_extra={"pattern": _COUNTRY_PATTERN}),
        AfterValidator(_country),
    ]


def one_line(address: DeliveryAddress) -> str:
    """The address on one line, as the bot reads it back: "Ada Lovelace, 12 St James's Square, London SW1Y 4JH, GB"."""
    parts = [address.name, address.line1, address.line2, f"{address.city} {address.postal_code}", address.country]
    return ", ".join(part for part in parts if part)
