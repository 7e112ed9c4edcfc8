"""Codes that may stand in an MRZ's issuing-state and nationality fields (ICAO 9303 part 3, 5).

ISO 3166-1 alpha-3 codes, plus ICAO's own: ``D`` (Germany, written ``D<<``), the specimen state
``UTO``, the British nationality categories, the UN and EU codes, Kosovo ``RKS`` and the
stateless / unspecified codes ``XXA``-``XXX``. A code outside this set is reported by a failed
check, never silently accepted: the nationality field has no check digit of its own.
"""

from __future__ import annotations

_ISO_3166_ALPHA3 = """
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR
BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG
COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH
FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY
HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM
KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL
MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR
NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU
SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA
TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB
VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
"""
_ICAO_SPECIAL = """
D UTO GBD GBN GBO GBP GBS EUE UNO UNA UNK XOM XPO XCC XES XMP XBA XIM XDC XEC RKS
XXA XXB XXC XXX ZIM
"""

ICAO_CODES: frozenset[str] = frozenset(_ISO_3166_ALPHA3.split()) | frozenset(_ICAO_SPECIAL.split())


def is_known_code(code: str) -> bool:
    """Whether ``code`` (fillers removed, e.g. ``D`` for ``D<<``) is a state or organisation code."""
    return code in ICAO_CODES
