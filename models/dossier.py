"""What a proposal's dossier (hồ sơ đề nghị khen thưởng) holds, and what it still lacks.

Plain Python, no database. The composition follows Luật Thi đua, khen thưởng 2022 (Luật số
06/2022/QH15), Điều 84, which lists the pieces of a dossier, and Nghị định 98/2023/NĐ-CP, which
details them per title and form (Luật 2022, Điều 84 khoản 7 leaves the detail to the
Government):

- the tờ trình đề nghị khen thưởng of the level proposing, with its danh sách (the list of the
  collectives and individuals proposed) — generated here (models.services.dossier_documents);
- the báo cáo thành tích of the collective or individual, confirmed (xác nhận) by the head of
  the level proposing — written by the unit and uploaded; tdkt-flow prefills a template;
- the biên bản of the Hội đồng Thi đua - Khen thưởng's meeting, with the result of its secret
  ballot (kết quả bỏ phiếu kín) where the title is voted — generated from the council's ballot;
- for the Chiến sĩ thi đua titles, the recognition of the initiatives, đề tài or solutions the
  title rests on (văn bản công nhận sáng kiến, đề tài nghiên cứu khoa học) — uploaded;
- for State-level forms proposed to the Prime Minister or the President, the concurring opinion
  (ý kiến hiệp y) of the bodies concerned — uploaded.

What could not be confirmed against the published text here: the exact wording of Điều 84's
points and of Nghị định 98/2023's per-title articles (no copy of either was reachable); the
composition below is therefore a *default* an office may replace. A plan states its own list
(codes of PIECES or free text) and that list wins: plans are data.

A checklist item, stored in RewardProposal.dossier (JSON), is a dict:
`{code, document, source, received, file?, generated?}`: `source` is "generated" or
"uploaded"; `file` describes an uploaded piece (sha256, filename, media_type, size,
uploaded_at, uploaded_by, document_id when it came through the web intake); `generated`
says which generator produced the piece (and its số when it has one). Items stored before
this module (only code, document, received) read as uploaded pieces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from models.recognition import RewardForm


class Source(StrEnum):
    """Where a piece comes from: tdkt-flow writes it, or a unit sends it."""

    GENERATED = "generated"
    UPLOADED = "uploaded"

    @property
    def label(self) -> str:
        return {"generated": "do hệ thống lập", "uploaded": "đơn vị gửi"}[self.value]


@dataclass(frozen=True)
class Piece:
    """One kind of document a dossier may need; `generator` names what writes a generated one
    (pieces sharing a generator are produced together: the tờ trình and its danh sách)."""

    code: str
    name: str
    source: Source
    generator: str | None = None


TO_TRINH = "to_trinh"
DANH_SACH = "danh_sach_trich_ngang"
BAO_CAO = "bao_cao_thanh_tich"
BIEN_BAN = "bien_ban_binh_xet"
KET_QUA_PHIEU = "ket_qua_lay_phieu"
SANG_KIEN = "xac_nhan_sang_kien"
HIEP_Y = "y_kien_hiep_y"

GEN_TO_TRINH = "to_trinh"
"""The tờ trình with its danh sách (models.services.dossier_documents.proposal_letter)."""
GEN_MINUTES = "council_minutes"
"""The council's minutes with its ballot's result (models.services.minutes_documents)."""

PIECES: dict[str, Piece] = {
    p.code: p
    for p in (
        Piece(TO_TRINH, "Tờ trình đề nghị khen thưởng", Source.GENERATED, GEN_TO_TRINH),
        Piece(
            DANH_SACH,
            "Danh sách tập thể, cá nhân đề nghị khen thưởng (kèm theo tờ trình)",
            Source.GENERATED,
            GEN_TO_TRINH,
        ),
        Piece(
            BAO_CAO,
            "Báo cáo thành tích của tập thể, cá nhân có xác nhận của cấp trình khen thưởng",
            Source.UPLOADED,
        ),
        Piece(
            BIEN_BAN,
            "Biên bản họp xét của Hội đồng Thi đua - Khen thưởng",
            Source.GENERATED,
            GEN_MINUTES,
        ),
        Piece(
            KET_QUA_PHIEU,
            "Kết quả bỏ phiếu kín của Hội đồng Thi đua - Khen thưởng",
            Source.GENERATED,
            GEN_MINUTES,
        ),
        Piece(
            SANG_KIEN,
            "Văn bản công nhận sáng kiến, đề tài nghiên cứu khoa học hoặc giải pháp được áp dụng",
            Source.UPLOADED,
        ),
        Piece(HIEP_Y, "Ý kiến hiệp y của cơ quan có liên quan", Source.UPLOADED),
    )
}
"""Every piece a dossier may need, by code (the dossier JSON and a plan's list use the code)."""

_BASE = (TO_TRINH, BIEN_BAN, BAO_CAO, DANH_SACH)
_VOTED = (*_BASE, KET_QUA_PHIEU)
_EMULATION_SOLDIER = (*_VOTED, SANG_KIEN)

COMPOSITION: dict[RewardForm, tuple[str, ...]] = {
    RewardForm.BIEU_DUONG: (TO_TRINH, BAO_CAO),
    RewardForm.GIAY_KHEN: _BASE,
    RewardForm.BANG_KHEN: _BASE,
    RewardForm.TAP_THE_LAO_DONG_XUAT_SAC: _VOTED,
    RewardForm.CO_THI_DUA: _VOTED,
    RewardForm.CHIEN_SI_THI_DUA: _EMULATION_SOLDIER,
    RewardForm.CHIEN_SI_THI_DUA_CO_SO: _EMULATION_SOLDIER,
    RewardForm.CHIEN_SI_THI_DUA_TINH: _EMULATION_SOLDIER,
    RewardForm.BANG_KHEN_THU_TUONG: (*_BASE, HIEP_Y),
    RewardForm.HUAN_CHUONG_LAO_DONG: (*_VOTED, HIEP_Y),
}
"""The pieces each form's dossier needs by default (Luật Thi đua, khen thưởng 2022, Điều 84;
Nghị định 98/2023/NĐ-CP):

- every dossier: the tờ trình (Điều 84: "tờ trình đề nghị khen thưởng") with its danh sách,
  and the báo cáo thành tích confirmed by the level proposing;
- a form the council considers (all but a biểu dương): the biên bản of its meeting;
- a title the council votes by secret ballot (Chiến sĩ thi đua at every level, Cờ thi đua,
  Tập thể lao động xuất sắc, Huân chương): the ballot's result too;
- the Chiến sĩ thi đua titles: the recognition of the initiatives or đề tài they rest on;
- forms the Prime Minister or the President decides: the ý kiến hiệp y of the bodies concerned.

A biểu dương (not a form of award under the Law) keeps the tờ trình and the report only.
*Defaults*: a plan's own list replaces them (`checklist(form, documents=...)`).
"""


def checklist(form: RewardForm, documents: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The checklist stored on a new proposal: every piece needed, none received yet.

    `documents` (codes of PIECES or free text naming an uploaded piece) replaces the default
    composition when a plan or an authority states its own; the tờ trình is always first, as
    it is what the dossier forwards.
    """
    codes = list(documents) if documents is not None else list(COMPOSITION[form])
    if TO_TRINH not in codes:
        codes.insert(0, TO_TRINH)
    return [item_for(code) for code in dict.fromkeys(codes)]


def item_for(code: str) -> dict[str, Any]:
    """A fresh checklist item for a piece (a free-text piece is one a unit uploads)."""
    piece = PIECES.get(code)
    if piece is None:
        return {"code": code, "document": code, "source": Source.UPLOADED.value, "received": False}
    return {
        "code": code,
        "document": piece.name,
        "source": piece.source.value,
        "received": False,
    }


def source_of(item: Mapping[str, Any]) -> Source:
    """The item's source; items stored before the dossier module read as uploaded."""
    return Source(str(item.get("source") or Source.UPLOADED.value))


def generator_of(item: Mapping[str, Any]) -> str | None:
    """What writes this piece, or None for a piece a unit sends."""
    piece = PIECES.get(str(item["code"]))
    return piece.generator if piece is not None and source_of(item) == Source.GENERATED else None


def join_pieces(
    items: Iterable[Mapping[str, Any]], generator: str, number: str | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The checklist with every piece `generator` writes counted present (a generated piece is
    present once generated: its content is the proposal's own data), and the names of those
    it joined now, in the checklist's order."""
    joined = [dict(item) for item in items]
    names = []
    for item in joined:
        if generator_of(item) == generator and not item.get("received"):
            item["received"] = True
            item["generated"] = {"generator": generator, "number": number}
            names.append(str(item["document"]))
    return joined, names


def joined_reason(names: Sequence[str], number: str | None) -> str:
    """The audit log's reason for pieces joined (Vietnamese)."""
    return "đã lập: " + "; ".join(names) + (f" (số {number})" if number else "")


def missing(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """Names of the pieces not yet present, in the checklist's order."""
    return [str(item["document"]) for item in items if not item.get("received")]


def refusal(proposal_id: int, nominee: str, missing_names: Sequence[str]) -> str:
    """Why a proposal cannot be forwarded: every missing piece named (Vietnamese)."""
    lines = "; ".join(f"({n}) {name}" for n, name in enumerate(missing_names, start=1))
    return (
        f"chưa thể trình tờ trình số {proposal_id} ('{nominee}') lên cấp có thẩm quyền: "
        f"hồ sơ còn thiếu {len(missing_names)} thành phần: {lines}"
    )


def status_text(item: Mapping[str, Any]) -> str:
    """A piece's state as the coordinator reads it: 'Đã có (đơn vị gửi: tệp.pdf)', 'Còn thiếu'."""
    if not item.get("received"):
        return "Còn thiếu"
    file = item.get("file")
    if isinstance(file, Mapping):
        return f"Đã có (đơn vị gửi: {file.get('filename')})"
    generated = item.get("generated")
    if isinstance(generated, Mapping):
        number = generated.get("number")
        return f"Đã lập (số {number})" if number else "Đã lập"
    return "Đã có (bản giấy)"
