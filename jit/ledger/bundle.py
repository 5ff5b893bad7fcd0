"""The evidence export bundle: a zip a court can check without the platform.

It holds the items, their files, every custody event of the group's ledger with its inclusion
proof, the signed checkpoint and its public key, a bilingual report and `verify_bundle.py`. The
writer runs the verifier's own checks on what it packs, so it never writes a bundle that fails them.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import pathlib
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import IO

from jit.ledger import verify_bundle
from jit.ledger.merkle import MemoryNodeStore, append_leaf, canonical, inclusion_proof, leaf_hash, root_hash
from jit.ledger.verify_bundle import consent_in_words, in_words, size_in_words, utc

_CHUNK = 1 << 20

README = """\
JIT evidence export: {ledger}, {tree_size} custody events, generated {generated_at}
================================================================================

WHAT THIS IS
This bundle holds evidence items of a joint investigation team, their files and their whole chain
of custody, signed by the platform so that any change made after export can be detected:
  items.json            the items, as the platform showed them
  report.html           a readable report of the items, files and custody events
  files/<sha256>        each file's content, named by its SHA-256 hash
  ledger/entries.json   every custody event of the group's ledger, in order (the events of items
                        not in this bundle by their hash only)
  withheld.json         if any, the items withheld under their use conditions, and why
  ledger/inclusion.json a Merkle inclusion proof (RFC 9162) of every event
  checkpoint.json       the signed size and root hash of the ledger
  public_key.txt        the Ed25519 key that signed it
  verify_bundle.py      the verifier

HOW TO VERIFY
1. Install Python 3.9 or newer, then: pip install cryptography
2. Unzip the bundle, open a terminal in its folder and run:
       python3 verify_bundle.py
   (or: python3 verify_bundle.py path/to/bundle.zip)
3. The bundle is intact when it prints "OK" (exit status 0). Then compare the printed public key
   with the key the platform publishes; or pass it, and the check fails on any other key:
       python3 verify_bundle.py --public-key <published key>
   This bundle's key: {public_key}

WHAT A FAILURE MEANS
  "the signature does not verify"      checkpoint.json was changed after signing
  "not the expected key"               the checkpoint was signed by someone else
  "leaf N is missing"                  a custody event was removed
  "leaf N ... was changed"             a custody event was edited
  "... events were reordered"          custody events were moved
  "seq ... was expected"               an item's chain of events has a gap or is out of order
  "hashes to ...: content was changed" a file's content differs from the one recorded
  "... is missing"                     a file was removed
  "items.json ..."                     the item list disagrees with the signed ledger (its number,
                                       registration, files or consents)

--------------------------------------------------------------------------------

ЧТО ЭТО
Пакет содержит доказательства совместной следственной группы, их файлы и всю цепочку хранения,
подписанные платформой, так что любое изменение после выгрузки обнаруживается:
  items.json            предметы, как их показывала платформа
  report.html           читаемый отчёт: предметы, файлы и события хранения
  files/<sha256>        содержимое каждого файла под именем его хэша SHA-256
  ledger/entries.json   все события хранения журнала группы по порядку (события предметов вне
                        пакета только хэшем)
  withheld.json         если есть, предметы, не выгруженные из-за условий использования, и почему
  ledger/inclusion.json доказательство включения (RFC 9162) каждого события
  checkpoint.json       подписанные размер и корневой хэш журнала
  public_key.txt        ключ Ed25519, которым он подписан
  verify_bundle.py      программа проверки

КАК ПРОВЕРИТЬ
1. Установите Python 3.9 или новее, затем: pip install cryptography
2. Распакуйте пакет, откройте терминал в его папке и выполните:
       python3 verify_bundle.py
   (или: python3 verify_bundle.py путь/к/пакету.zip)
3. Пакет цел, если выведено "OK" (код завершения 0). Затем сверьте выведенный открытый ключ с
   ключом, который публикует платформа; или укажите его, и проверка отвергнет любой другой ключ:
       python3 verify_bundle.py --public-key <опубликованный ключ>
   Ключ этого пакета: {public_key}

ЧТО ОЗНАЧАЕТ ОШИБКА
  "the signature does not verify"      checkpoint.json изменён после подписи
  "not the expected key"               контрольная точка подписана другим ключом
  "leaf N is missing"                  событие хранения удалено
  "leaf N ... was changed"             событие хранения изменено
  "... events were reordered"          события хранения переставлены
  "seq ... was expected"               в цепочке событий предмета пропуск или нарушен порядок
  "hashes to ...: content was changed" содержимое файла не совпадает с записанным
  "... is missing"                     файл удалён
  "items.json ..."                     список предметов расходится с подписанным журналом (номер,
                                       регистрация, файлы или согласия)
"""

_LABELS = {
    "case_number": "Case / Дело",
    "kind": "Kind / Вид",
    "description": "Description / Описание",
    "obtained_at": "Obtained at / Когда получено",
    "obtained_place": "Obtained where / Где получено",
    "obtained_under": "Obtained under / Основание",
    "obtained_by": "Obtained by / Кем получено",
    "originating_party": "Originating party / Сторона-источник",
    "use_conditions": "Use conditions / Условия использования",
    "custodian": "Custodian / Хранитель",
    "status": "Status / Статус",
}
_TIMELINE = (
    "#",
    "Event / Событие",
    "When / Когда",
    "By / Кто",
    "From → to / От → кому",
    "Place / Место",
    "Note / Примечание",
    "Details / Подробности",
    "Leaf / Лист",
)


def write_bundle(
    target: IO[bytes],
    *,
    checkpoint: dict,
    entries: list[dict],
    items: list[dict],
    files: Mapping[str, pathlib.Path],
    generated_at: str,
    left_out: Collection[object] = (),
    withheld: Sequence[Mapping[str, str]] = (),
) -> None:
    """Write the bundle as a zip to the seekable binary file `target`.

    `entries` are all the ledger's entries in leaf order, `items` the item records as the API shows
    them, `files` maps each sha256 to its stored content. The events of the items whose ids are in
    `left_out` are packed by their leaf hash only (the signed root still verifies, their content
    stays in the group); `withheld` names those refused ({number, reason}) for the report. Raises
    ValueError, leaving `target` to be discarded, if anything would fail the verifier: the entries not
    giving the signed root, a bad signature, a broken chain, items disagreeing with the ledger, or a
    file missing or changed.
    """
    size = checkpoint["tree_size"]
    if len(entries) != size:
        raise ValueError(f"{len(entries)} entries for a checkpoint of {size} leaves")
    store, leaves = MemoryNodeStore(), [leaf_hash(canonical(entry)) for entry in entries]
    for i, leaf in enumerate(leaves):
        append_leaf(store, i, leaf)
    if root_hash(store, size).hex() != checkpoint["root_hash"]:
        raise ValueError("the entries do not give the checkpoint's root hash")
    packed = [None if entry["evidence_id"] in left_out else entry for entry in entries]
    _refuse(
        verify_bundle.check_checkpoint(checkpoint, checkpoint["public_key"], None)
        + verify_bundle.check_chains(packed)
        + verify_bundle.check_items(packed, items)
    )
    wanted = sorted({sha for sha, _, _ in verify_bundle.named_files(packed, items)})
    if absent := [sha for sha in wanted if sha not in files]:
        raise ValueError(f"no stored content for {', '.join(absent)}")

    when = datetime.datetime.fromisoformat(generated_at).timetuple()[:6]  # same input, same zip bytes
    with zipfile.ZipFile(target, "w") as bundle:

        def member(name: str, compression: int) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, when)
            info.compress_type, info.external_attr = compression, 0o644 << 16
            return info

        def text(name: str, content: str) -> None:
            bundle.writestr(member(name, zipfile.ZIP_DEFLATED), content.encode("utf-8"))

        def json_list(name: str, values: Iterable[object]) -> None:
            # One value a line, streamed and C-encoded: a ledger of 100,000 events makes large files.
            with bundle.open(member(name, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as sink:
                sink.write(b"[")
                for i, value in enumerate(values):
                    sink.write((b",\n" if i else b"\n") + json.dumps(value, ensure_ascii=False).encode("utf-8"))
                sink.write(b"\n]\n")

        text("README.txt", README.format(generated_at=generated_at, **checkpoint))
        text("verify_bundle.py", pathlib.Path(verify_bundle.__file__).read_text(encoding="utf-8"))
        text("checkpoint.json", json.dumps(checkpoint, ensure_ascii=False, indent=1) + "\n")
        text("public_key.txt", checkpoint["public_key"] + "\n")
        json_list(
            "ledger/entries.json",
            ({"leaf_index": i, "entry": entry} if entry else {"leaf_index": i, "leaf_hash": leaves[i].hex()}
             for i, entry in enumerate(packed)),
        )
        json_list(
            "ledger/inclusion.json",
            (
                {"leaf_index": i, "tree_size": size, "leaf_hash": leaf.hex(), "path": [p.hex() for p in proof]}
                for i, leaf in enumerate(leaves)
                for proof in [inclusion_proof(store, i, size)]
            ),
        )
        text("items.json", json.dumps(items, ensure_ascii=False, indent=1) + "\n")
        if withheld:
            text("withheld.json", json.dumps(list(withheld), ensure_ascii=False, indent=1) + "\n")
        text("report.html", report_html(checkpoint, packed, items, generated_at, withheld))
        found = {}
        for sha in wanted:
            # Stored, not deflated: evidence is mostly compressed already, and copied in chunks, never whole.
            digest, copied = hashlib.sha256(), 0
            with (
                files[sha].open("rb") as source,
                bundle.open(member(f"files/{sha}", zipfile.ZIP_STORED), "w", force_zip64=True) as sink,
            ):
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    sink.write(chunk)
                    copied += len(chunk)
            found[sha] = (digest.hexdigest(), copied)
        _refuse(verify_bundle.check_files(found, packed, items))


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ValueError("the bundle would not verify: " + "; ".join(problems))


def report_html(
    checkpoint: dict, entries: list[dict | None], items: list[dict], generated_at: str,
    withheld: Sequence[Mapping[str, str]] = (),
) -> str:
    """A bilingual report in words; every value is escaped, since names and notes are typed by users.
    `entries` holds None for the events of items left out of the bundle."""

    def show(value: object) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, dict) and "username" in value:
            return html.escape(f"{value.get('full_name')} ({value['username']})")
        if isinstance(value, (dict, list)):
            return html.escape(json.dumps(value, ensure_ascii=False))
        return html.escape(str(value))

    def row(*cells: str, tag: str = "td") -> str:
        return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"

    shown = {
        "kind": lambda value: html.escape(in_words("kind", value)),
        "status": lambda value: html.escape(in_words("status", value)),
        "obtained_at": lambda value: html.escape(utc(value)),
    }
    events: dict[object, list[tuple[int, dict]]] = {}
    for i, entry in verify_bundle.packed(entries):
        events.setdefault(entry["evidence_id"], []).append((i, entry))
    hidden = sum(entry is None for entry in entries)
    out = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        # Opened from disk, the report still may run nothing and fetch nothing.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<title>Evidence export / Выгрузка доказательств</title><style>body{font-family:sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #999;padding:.2em .5em;"
        "text-align:left;vertical-align:top}code{font-size:.85em;word-break:break-all}</style></head><body>",
        "<h1>Evidence export / Выгрузка доказательств</h1><table>",
        row("Ledger / Журнал", show(checkpoint["ledger"])),
        row("Events / События", show(checkpoint["tree_size"])),
        row("Root hash / Корневой хэш", f"<code>{show(checkpoint['root_hash'])}</code>"),
        row("Signed at / Подписано", show(utc(checkpoint["signed_at"]))),
        row("Public key / Открытый ключ", f"<code>{show(checkpoint['public_key'])}</code>"),
        row("Generated at / Сформировано", show(utc(generated_at))),
        "</table><p>Run <code>python3 verify_bundle.py</code> in the unzipped folder to check this bundle (see"
        " README.txt). / Для проверки выполните <code>python3 verify_bundle.py</code> в распакованной папке"
        " (см. README.txt).</p>",
    ]
    if hidden:
        out.append(f"<p>{hidden} events of items not in this bundle are included by their hash only, so that the "
                   f"signed ledger still verifies. / {hidden} событий предметов вне пакета включены только "
                   "хэшем, чтобы подписанный журнал проходил проверку.</p>")
    if withheld:
        out.append("<h2>Withheld items / Невыгруженные предметы</h2><table>")
        out.append(row("Number / Номер", "Reason / Причина", tag="th"))
        out += [row(show(item["number"]), show(item["reason"])) for item in withheld]
        out.append("</table>")
    for item in items:
        out.append(f"<h2>{show(item.get('number'))} — {show(item.get('title'))}</h2><table>")
        out += [row(html.escape(label), shown.get(key, show)(item.get(key))) for key, label in _LABELS.items()
                if key in item]
        consents = [html.escape(consent_in_words(consent)) for consent in item.get("consents", [])]
        out.append(row("Consents / Согласия", "<br>".join(consents) or "none / нет"))
        out.append("</table><h3>Files / Файлы</h3><table>")
        out.append(row("Name / Имя", "Size / Размер", "SHA-256", tag="th"))
        out += [row(show(f["name"]), show(size_in_words(f["size"])), f"<code>{show(f['sha256'])}</code>")
                for f in item["files"]]
        out.append("</table><h3>Custody / Цепочка хранения</h3><table>")
        out.append(row(*_TIMELINE, tag="th"))
        for i, entry in events.get(item.get("id"), []):
            file = entry.get("file") or {}
            consent = entry.get("consent")
            details = [
                f"{show(file['name'])} ({show(size_in_words(file['size']))}) <code>{show(file['sha256'])}</code>"
                if file else "",
                f"corrects event / исправляет событие {show(entry['refers_to'])}" if entry.get("refers_to") else "",
                f"instruction / поручение {show(entry['instruction_id'])}" if entry.get("instruction_id") else "",
                f"hashes match / хэши совпали: {'yes / да' if entry['verified'] else 'NO / НЕТ'}"
                if entry.get("verified") is not None else "",
                show(consent_in_words(consent)) if isinstance(consent, dict) else "",
            ]
            out.append(
                row(
                    show(entry["seq"]),
                    html.escape(in_words("event", entry["type"])),
                    f"{show(utc(entry['at']))} (local zone / часовой пояс: {show(entry.get('time_zone'))})",
                    show(entry["actor"]),
                    f"{show(entry.get('from'))} → {show(entry.get('to'))}",
                    show(entry.get("place")),
                    show(entry.get("note")),
                    "<br>".join(detail for detail in details if detail),
                    show(i),
                )
            )
        out.append("</table>")
    out.append("</body></html>\n")
    return "\n".join(out)
