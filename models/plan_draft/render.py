"""The draft as a commented plan file (ruamel.yaml, as models.plan_instantiation writes).

Every value read from the text has a comment naming its clause and words; every gap is a null
or UNDECIDED_UNIT with a comment "CẦN ĐIỀN", which `tdkt plan check` lists until it is filled.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from models.plan import UNDECIDED_UNIT
from models.plan_draft.draft import Draft, DraftMilestone, stage_words
from models.plan_draft.duties import Party, Unit, fold

FILL = "CẦN ĐIỀN"
_WHERE = {"sentence": "trong câu", "heading": "tiêu đề mục", "": ""}
_QUOTE_CHARS = 90


def render(draft: Draft, *, source: str, issuer: str | None, units: Sequence[Unit]) -> str:
    """The plan YAML of a draft (see the module docstring)."""
    head = draft.header
    used: set[str] = set()
    data = CommentedMap()
    data["format"] = 1
    data["id"] = _slug(head.title or "ke-hoach", head.period)
    data["title"] = head.title or ""
    if not head.title:
        _before(data, "title", f"{FILL}: không tìm thấy tên kế hoạch (dòng sau “KẾ HOẠCH”)")
    doc = CommentedMap()
    doc["number"] = head.number
    doc["date"] = head.date
    doc["issuer"] = issuer or UNDECIDED_UNIT
    doc["issuer_name"] = head.issuer_name or ""
    doc["place"] = head.place
    doc["signer"] = head.signer
    doc["source"] = source
    doc["basis"] = CommentedSeq(head.basis)
    for key, evidence in (("number", "number"), ("date", "date"), ("signer", "signer")):
        if key in head.evidence:
            doc.yaml_add_eol_comment(f"theo dòng “{_cut(head.evidence[evidence])}”", key)
        else:
            doc.yaml_add_eol_comment("văn bản không ghi", key)
    if issuer:
        doc.yaml_add_eol_comment(f"danh bạ: “{head.evidence.get('issuer_name', '')}”", "issuer")
        used.add(issuer)
    else:
        doc.yaml_add_eol_comment(
            f"{FILL}: mã cơ quan ban hành trong danh bạ"
            + (f" (“{head.issuer_name}”)" if head.issuer_name else ""),
            "issuer",
        )
    data["document"] = doc
    data["period"] = f"{head.period[0]}-{head.period[1]}" if head.period else None
    if head.period:
        data.yaml_add_eol_comment(f"theo “{_cut(head.evidence['period'])}”", "period")
    else:
        _before(data, "period", f"{FILL}: văn bản không ghi giai đoạn (YYYY-YYYY)")
    if head.parent:
        data["parent"] = CommentedMap(head.parent)
        _before(data, "parent", f"Căn cứ: “{_cut(head.evidence['parent'])}”")
    data["standing_body"] = draft.standing_body
    if draft.standing_body:
        used.add(draft.standing_body)
        basis = draft.standing_words or "“cơ quan thường trực”"
        data.yaml_add_eol_comment(
            "văn bản gọi là “cơ quan thường trực”"
            if basis == "“cơ quan thường trực”"
            else f"đoán: nơi theo dõi, tổng hợp, theo {basis}",
            "standing_body",
        )
    else:
        data.yaml_add_eol_comment(
            f"{FILL}: văn bản không ghi cơ quan thường trực (nơi tổng hợp, đôn đốc)",
            "standing_body",
        )
    data["agencies"] = CommentedMap()  # filled below, once every unit used is known
    data["stages"] = _stages(draft)
    data["fields"] = _fields(draft, used)
    data["quotas"] = _quotas(draft)
    data["milestones"] = _milestones(draft.milestones, used)
    data["agencies"] = _agencies(used, units)
    if not units:
        _before(data, "agencies", f"{FILL}: không có danh bạ (--directory): mọi cơ quan để trống")
    out = io.StringIO()
    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.dump(data, out)
    banner = (
        f"# Bản nháp do `tdkt plan draft` lập từ {source}: mỗi giá trị đọc được ghi kèm mục và\n"
        f"# lời văn làm căn cứ; chỗ văn bản không ghi để trống hoặc {UNDECIDED_UNIT} ({FILL}).\n"
        "# `tdkt plan check` liệt kê những chỗ còn phải điền; xem lại mọi dòng trước khi nạp.\n"
    )
    return banner + out.getvalue()


def _stages(draft: Draft) -> CommentedSeq:
    text = " ".join(m.quote for m in draft.milestones) + " " + (draft.header.title or "")
    seq = CommentedSeq()
    for stage, words in stage_words(text) or stage_words(draft.yaml):
        seq.append(CommentedMap(stage=stage.value, words=words))
    if not seq:
        seq.append(CommentedMap(stage="discover", words=""))
        seq.yaml_set_comment_before_after_key(0, before=f"{FILL}: không thấy lời văn các bước")
    return seq


def _fields(draft: Draft, used: set[str]) -> CommentedSeq:
    seq = CommentedSeq()
    for i, fld in enumerate(draft.fields):
        item = CommentedMap(code=fld.code, name=fld.name, clause=fld.clause)
        item["lead_agencies"] = list(fld.lead_agencies)
        used.update(fld.lead_agencies)
        note = (
            f"mục {fld.clause}: cơ quan chủ trì theo “{_cut(fld.lead_words)}”"
            if fld.lead_agencies
            else f"mục {fld.clause}: {FILL} cơ quan chủ trì (không ghi, hoặc ngoài danh bạ)"
        )
        seq.append(item)
        seq.yaml_set_comment_before_after_key(i, before=note, indent=2)
    return seq


def _quotas(draft: Draft) -> CommentedSeq:
    seq = CommentedSeq()
    for i, (clause, code, quota) in enumerate(draft.quotas):
        item = CommentedMap(scope=quota.scope.value, minimum=quota.minimum)
        if quota.maximum is not None:
            item["maximum"] = quota.maximum
        if code is not None:
            item["field"] = code
        if quota.subject is not None:
            item["subject"] = quota.subject.value
        item["clause"] = clause
        item["quote"] = " ".join(quota.quote.lstrip("-+* ").split())
        seq.append(item)
        seq.yaml_set_comment_before_after_key(
            i, before=f"mục {clause}: phạm vi đoán theo {quota.reason}", indent=2
        )
    return seq


def _milestones(found: list[DraftMilestone], used: set[str]) -> CommentedSeq:
    seq = CommentedSeq()
    ids: set[str] = set()
    for i, m in enumerate(found):
        clause = re.sub(r"[^a-z0-9]+", "-", fold(m.clause)).strip("-")
        base = f"{m.kind.value.replace('_', '-')}-{clause}"
        slug, n = base, 2
        while slug in ids:
            slug, n = f"{base}-{n}", n + 1
        ids.add(slug)
        item = CommentedMap()
        item["id"] = slug
        item["kind"] = m.kind.value
        item["title"] = _title(m)
        item["clause"] = m.clause
        item["phrase"] = m.phrase
        item["quote"] = m.quote
        item["from"] = _responsible(m.owner)
        item["to"] = m.recipient.units[0] if m.recipient else UNDECIDED_UNIT
        if m.owner:
            used.update(m.owner.units + m.owner.exclude)
        if m.recipient:
            used.add(m.recipient.units[0])
        notes = [
            f"mục {m.clause}"
            + (f": thời hạn “{m.phrase}”" if m.phrase else ": văn bản không ghi thời hạn")
            + (f"; loại đoán theo chữ “{m.kind_words}”" if m.kind_words else "; loại: mặc định"),
            "ai thực hiện: " + _owner_note(m),
            "gửi đến: " + _recipient_note(m),
        ]
        seq.append(item)
        seq.yaml_set_comment_before_after_key(i, before="\n".join(notes), indent=2)
    return seq


def _owner_note(m: DraftMilestone) -> str:
    if m.owner is None:
        return f"{FILL} ({m.owner_note or 'câu không ghi'})"
    return f"“{m.owner.words}” ({m.owner_note or _WHERE[m.owner_from]})"


def _recipient_note(m: DraftMilestone) -> str:
    if m.recipient is None:
        return f"{FILL} ({m.recipient_note or 'câu không ghi'})"
    return m.recipient_note or f"“{m.recipient.words}”"


def _responsible(party: Party | None) -> CommentedMap:
    out = CommentedMap()
    if party is None or not (
        party.units or party.kinds or party.lead_agencies or party.cluster_leaders
    ):
        out["units"] = [UNDECIDED_UNIT]
        out["description"] = party.words if party else ""
        return out
    if party.units:
        out["units"] = list(party.units)
    if party.kinds:
        out["kinds"] = [k.value for k in party.kinds]
    if party.lead_agencies:
        out["lead_agencies"] = True
    if party.cluster_leaders:
        out["cluster_leaders"] = True
    if party.exclude:
        out["exclude"] = CommentedMap(units=list(party.exclude))
        out.yaml_add_eol_comment("hội đồng thi đua, khen thưởng không phải lập, báo cáo", "exclude")
    out["description"] = party.words[:1].upper() + party.words[1:]
    return out


def _agencies(used: set[str], units: Sequence[Unit]) -> CommentedMap:
    by_code = {u.code: u for u in units}
    needed: set[str] = set()
    for code in used:
        while code in by_code and code not in needed:
            needed.add(code)
            code = by_code[code].parent or ""
    out = CommentedMap()
    for unit in units:
        if unit.code in needed:
            entry = CommentedMap(name=unit.name, kind=unit.kind.value)
            if unit.parent:
                entry["parent"] = unit.parent
            out[unit.code] = entry
    return out


def _title(m: DraftMilestone) -> str:
    text = m.quote
    if m.phrase:
        text = text.replace(m.phrase, "", 1)
    text = re.sub(r"^[\s,;:.]+|[\s,;:]+$", "", " ".join(text.split()))
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    if len(text) > 160:
        text = text[:160].rsplit(" ", 1)[0] + " …"
    return (text[:1].upper() + text[1:]) or m.kind.label


def _slug(text: str, period: tuple[int, int] | None) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    words = [w for w in words if not w.isdigit()][:6]
    if period:
        words += [str(period[0]), str(period[1])]
    return "-".join(words)[:80].strip("-") or "ke-hoach"


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _before(data: CommentedMap, key: str, text: str) -> None:
    data.yaml_set_comment_before_after_key(key, before=text)
