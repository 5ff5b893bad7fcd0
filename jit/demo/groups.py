"""The demo's joint groups: the active Belarus–Kazakhstan group with its cases, instructions, tasks
and evidence, a draft group, and a group past its term."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from jit.models import User
from jit.models.types import utcnow
from jit.services import cases, evidence, group_documents, groups, identifiers, instructions, tasks

SIGNATORIES = {
    "ic_by": "Председатель Следственного комитета Республики Беларусь",
    "mvd_kz": "Министр внутренних дел Республики Казахстан",
}


def load_groups(people: dict[str, User], authority_ids: dict[str, int]) -> None:
    """The Belarus–Kazakhstan ICT-crime group, active for three months with a year's term, and a
    second group still in draft so that the lifecycle can be tried."""
    today = utcnow().date()
    head = people["v.sokolov"]
    group = groups.create_group(
        head, title="ССОГ по уголовным делам о международной киберпреступной организации",
        purpose=("Расследование хищений путём модификации компьютерной информации и мошенничества с "
                 "использованием ИКТ, совершённых одной преступной организацией на территориях Республики "
                 "Беларусь и Республики Казахстан; установление участников, каналов вывода денежных средств "
                 "и потерпевших."),
        place_of_activity="г. Минск (Республика Беларусь), г. Астана (Республика Казахстан)",
        starts_on=today - timedelta(days=90), ends_on=today + timedelta(days=275))

    def document(decision, party, authority, days_ago, **extra):
        group_documents.add_document(
            head, group.id, kind="decision" if decision else "creation_request", decision=decision, party=party,
            authority_id=authority_ids[authority], dated=today - timedelta(days=days_ago),
            reference=f"{party}-{days_ago}/{group.code}", signed_by=SIGNATORIES[authority], **extra)

    document(None, "BY", "ic_by", 120)
    groups.transition(head, group.id, to="requested", version=group.version)
    teams = {
        "BY": groups.add_team(head, group.id, party="BY", authority_id=authority_ids["ic_by"],
                              national_head_id=people["i.petrov"].id),
        "KZ": groups.add_team(head, group.id, party="KZ", authority_id=authority_ids["mvd_kz"],
                              national_head_id=people["a.nurlanov"].id),
    }
    groups.add_member(head, group.id, user_id=people["s.ivanova"].id, team_id=teams["BY"].id, role="member")
    groups.add_member(head, group.id, user_id=people["d.seitkali"].id, team_id=teams["KZ"].id, role="member")
    for party, authority in (("BY", "ic_by"), ("KZ", "mvd_kz")):
        document("create", party, authority, 100)
        document("appoint_head", party, authority, 100, head_id=head.id)
    groups.transition(head, group.id, to="active", version=group.version)
    by_case = cases.add_case(head, group.id, party="BY", number="№ 20251640012", opened_on=date(2025, 3, 12),
                    articles="ч. 4 ст. 212, ч. 1 ст. 285 УК Республики Беларусь",
                    summary="Хищения со счетов граждан путём модификации компьютерной информации, совершённые "
                            "организованной группой через фишинговые сайты банков.",
                    handling_investigator_id=people["i.petrov"].id)
    kz_case = cases.add_case(head, group.id, party="KZ", number="№ 257500031000412", opened_on=date(2025, 5, 20),
                    articles="ч. 4 ст. 190, ч. 2 ст. 262 УК Республики Казахстан",
                    summary="Мошенничество с использованием ИКТ и участие в преступной организации: колл-центр, "
                            "выманивавший данные банковских карт у граждан Казахстана и Беларуси.",
                    handling_investigator_id=people["a.nurlanov"].id)
    _load_instructions(people, teams, by_case, kz_case)
    groups.create_group(
        head, title="ССОГ по делу о сети мошеннических колл-центров",
        purpose="Проект: совместное расследование деятельности колл-центров, действующих из третьих стран.",
        place_of_activity="г. Минск", starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=395))


def _load_instructions(people: dict[str, User], teams: dict, by_case, kz_case) -> None:
    """Instructions both ways between the national heads, in every state of the channel."""
    today = utcnow().date()
    petrov, nurlanov = people["i.petrov"], people["a.nurlanov"]
    heads = {"BY": petrov, "KZ": nurlanov}

    def draft(sender: str, case, subject: str, actions: list[str], body: str, due_in: int, *,
              needs_sanction: bool = False):
        receiver = "KZ" if sender == "BY" else "BY"
        instruction = instructions.create_instruction(
            heads[sender], teams[sender].group_id, from_team_id=teams[sender].id, to_team_id=teams[receiver].id,
            case_id=case.id, subject=subject, actions=actions, due_on=today + timedelta(days=due_in), body=body,
            needs_sanction=needs_sanction)
        instructions.add_document(
            heads[sender], instruction.id, title=f"Постановление о производстве процессуальных действий ({sender})",
            certified=True, is_sanction=False, filename="postanovlenie.pdf",
            stream=io.BytesIO(f"Постановление, заверенная копия, {sender}".encode()))
        return instruction

    def sanction(instruction, title: str) -> None:
        sender = heads[instruction.from_team.party_code]
        instructions.add_document(sender, instruction.id, title=title, certified=True, is_sanction=True,
                                  filename="sankciya.pdf", stream=io.BytesIO(f"{title}, заверенная копия".encode()))

    def move(instruction, *steps: str) -> None:
        for step in steps:
            who = heads[instruction.from_team.party_code if step == "sent" else instruction.to_team.party_code]
            instructions.transition(who, instruction.id, to=step, version=instruction.version)

    executed = draft("BY", by_case, "Допрос держателя карты и выписка по счёту",
                     ["Допросить в качестве свидетеля владельца банковской карты № **** 4417",
                      "Истребовать выписку по счёту за январь–март 2025 года"],
                     "Прошу допросить свидетеля и истребовать сведения о движении денежных средств.", 20)
    move(executed, "sent", "accepted", "in_progress")
    instructions.add_result(nurlanov, executed.id, text="Свидетель допрошен, выписка получена.",
                            filename="protokol.pdf", stream=io.BytesIO("Протокол допроса свидетеля".encode()))
    move(executed, "executed")

    working = draft("KZ", kz_case, "Осмотр изъятого сервера и владельцы IP-адресов",
                    ["Провести осмотр изъятого сервера", "Установить владельцев IP-адресов"],
                    "Прошу провести осмотр сервера, изъятого в г. Минске, и установить пользователей.", 25)
    move(working, "sent", "accepted", "in_progress")

    overdue = draft("BY", by_case, "Обыск у подозреваемого в г. Алматы",
                    ["Провести обыск по месту жительства подозреваемого в г. Алматы"],
                    "Прошу провести обыск и изъять средства компьютерной техники.", 10, needs_sanction=True)
    sanction(overdue, "Санкция прокурора на производство обыска")
    move(overdue, "sent", "accepted")
    # Demo only: sent long enough ago to be past its due date, to show how an overdue one looks.
    overdue.due_on = today - timedelta(days=3)

    draft("KZ", kz_case, "Допрос потерпевшей Сидоровой А.В.", ["Допросить потерпевшую Сидорову А.В."],
          "Прошу допросить потерпевшую.", 30)
    # Not sendable yet: the prosecutor's sanction for the seizure is still awaited.
    draft("BY", by_case, "Выемка банковских документов в АО «Каспи Банк»",
          ["Произвести выемку документов о движении средств в АО «Каспи Банк»"],
          "Прошу произвести выемку банковских документов по счетам подозреваемых.", 21, needs_sanction=True)
    _load_tasks(people, by_case, kz_case, executed, working)
    _load_evidence(people, by_case, kz_case, working)


# (assignee, title, due in days, priority, status path, linked to) for the demo task board.
DEMO_TASKS = [
    ("s.ivanova", "Составить план совместных следственных действий", 7, "high", ["in_progress"], "by_case"),
    ("s.ivanova", "Подготовить запрос в банк о движении средств по картам потерпевших", 3, "urgent", [], "by_case"),
    ("s.ivanova", "Опросить потерпевших из Гомельской области", -2, "normal", [], "by_case"),
    ("s.ivanova", "Свести список фишинговых доменов", 10, "normal", ["in_progress", "done"], "by_case"),
    ("s.ivanova", "Перевести протокол допроса, полученный из Казахстана", 5, "normal", ["in_progress"], "executed"),
    ("s.ivanova", "Проанализировать выписку по счёту из Казахстана", 12, "high", [], "executed"),
    ("s.ivanova", "Сверить IP-адреса с данными провайдеров", 14, "low", ["blocked"], "by_case"),
    ("s.ivanova", "Подготовить справку для руководителя группы", 2, "normal", ["in_progress", "done"], None),
    ("i.petrov", "Согласовать с прокурором санкцию на обыск", 4, "urgent", ["in_progress"], "by_case"),
    ("i.petrov", "Проверить исполнение поручения о допросе", 6, "normal", ["in_progress", "done"], "executed"),
    ("i.petrov", "Подготовить постановление о назначении компьютерной экспертизы", 9, "high", [], "by_case"),
    ("i.petrov", "Запросить сведения о пересечении границы подозреваемыми", 15, "normal", ["cancelled"], "by_case"),
    ("d.seitkali", "Провести осмотр изъятого сервера", 8, "urgent", ["in_progress"], "working"),
    ("d.seitkali", "Установить владельцев IP-адресов по запросу белорусской стороны", 11, "high", [], "working"),
    ("d.seitkali", "Допросить свидетеля по банковской карте", -5, "normal", ["in_progress", "done"], "kz_case"),
    ("d.seitkali", "Проверить колл-центр в г. Алматы", -1, "high", ["in_progress"], "kz_case"),
    ("d.seitkali", "Изучить переписку в мессенджерах", 20, "normal", [], "kz_case"),
    ("d.seitkali", "Подготовить рапорт о результатах ОРМ", 4, "normal", ["blocked"], "kz_case"),
    ("d.seitkali", "Сверить данные о потерпевших с белорусскими", 13, "low", [], None),
    ("a.nurlanov", "Доложить о ходе исполнения поручений", 3, "normal", ["in_progress"], "working"),
    ("a.nurlanov", "Согласовать выезд оперативной группы в Минск", 25, "low", ["cancelled"], None),
    ("a.nurlanov", "Подготовить ответ на поручение об осмотре сервера", 18, "high", [], "working"),
    ("i.petrov", "Подготовить рабочую встречу руководителей национальных групп", 6, "normal", ["in_progress"], None),
    ("a.nurlanov", "Подготовить раздел промежуточного отчёта о деятельности группы", 30, "normal", [], None),
]
BLOCKED_REASON = "Ждём ответа провайдера; запрос направлен повторно."


def _load_tasks(people: dict[str, User], by_case, kz_case, executed, working) -> None:
    """Two dozen tasks in every state, set by the national heads for their teams and by the group head,
    some linked to a case or an instruction, a few past their due date."""
    today = utcnow().date()
    links = {"by_case": {"case_id": by_case.id}, "kz_case": {"case_id": kz_case.id},
             "executed": {"instruction_id": executed.id}, "working": {"instruction_id": working.id}, None: {}}
    # National heads set their own team's tasks; the group head sets the national heads' tasks.
    setters = {"s.ivanova": "i.petrov", "i.petrov": "v.sokolov", "d.seitkali": "a.nurlanov", "a.nurlanov": "v.sokolov"}
    for assignee, title, due_in, priority, path, link in DEMO_TASKS:
        setter = people[setters[assignee]]
        task = tasks.create_task(setter, executed.group_id, title=title, assignee_ids=[people[assignee].id],
                                 due_on=today + timedelta(days=due_in), priority=priority,
                                 allow_past_due=due_in < 0, **links[link])
        for status in path:
            tasks.update_task(people[assignee] if status in ("in_progress", "done") else setter, task.id,
                              version=task.version, status=status,
                              blocked_reason=BLOCKED_REASON if status == "blocked" else None)


def load_lapsed_group(people: dict[str, User], authority_ids: dict[str, int]) -> None:
    """A second Belarus–Kazakhstan group still active after its term ended without an extension:
    the violation the legal officer's dashboard flags (AGR-TERM)."""
    today = utcnow().date()
    head = people["v.sokolov"]
    group = groups.create_group(
        head, title="ССОГ по делу о хищении криптовалюты через поддельные биржи",
        purpose="Расследование хищений криптовалюты через поддельные биржи, действовавшие в Беларуси и Казахстане.",
        place_of_activity="г. Минск, г. Алматы", starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=30))
    paper = {"dated": today - timedelta(days=190)}
    group_documents.add_document(head, group.id, kind="creation_request", decision=None, party="BY",
                                 authority_id=authority_ids["ic_by"], reference=f"BY-request-{group.code}",
                                 signed_by=SIGNATORIES["ic_by"], **paper)
    groups.transition(head, group.id, to="requested", version=group.version)
    for party, authority, national_head in (("BY", "ic_by", "i.petrov"), ("KZ", "mvd_kz", "a.nurlanov")):
        groups.add_team(head, group.id, party=party, authority_id=authority_ids[authority],
                        national_head_id=people[national_head].id)
    for party, authority in (("BY", "ic_by"), ("KZ", "mvd_kz")):
        for number, (decision, extra) in enumerate((("create", {}), ("appoint_head", {"head_id": head.id})), 1):
            group_documents.add_document(head, group.id, kind="decision", decision=decision, party=party,
                                         authority_id=authority_ids[authority],
                                         reference=f"{party}-{number}/{group.code}",
                                         signed_by=SIGNATORIES[authority], **paper, **extra)
    groups.transition(head, group.id, to="active", version=group.version)
    # Demo only: the term as it was agreed, now twelve days past, with no extension decision filed.
    group.ends_on = today - timedelta(days=12)


# (who registers, case, kind, title, place obtained, under, days ago, files, use conditions)
DEMO_EVIDENCE = [
    ("d.seitkali", "kz_case", "digital_copy", "Образ памяти смартфона Samsung A52 подозреваемого Б.",
     "г. Алматы, ул. Толе би, 55, кв. 12", "Протокол обыска от {day}", 60, ["phone-A52.E01", "extraction-report.csv"],
     None),
    ("d.seitkali", "kz_case", "digital_copy", "Образ диска сервера колл-центра (стойка 2)",
     "г. Алматы, пр. Абая, 150, офис 304", "Протокол выемки от {day}", 55, ["server-rack2.E01"],
     "Не использовать в иных уголовных делах без согласия МВД Республики Казахстан"),
    ("a.nurlanov", "kz_case", "document", "Выписка АО «Kaspi Bank» по счетам подозреваемых",
     "г. Алматы, АО «Kaspi Bank»", "Постановление о выемке от {day}", 50, ["kaspi-statement.csv"],
     "Использовать только в уголовном деле № 257500031000412"),
    ("d.seitkali", "kz_case", "statement", "Протокол допроса потерпевшей Сидоровой А.В.",
     "г. Алматы, ДП г. Алматы, каб. 407", "Протокол допроса от {day}", 40, ["interview-sidorova.txt"], None),
    ("a.nurlanov", "kz_case", "device", "Ноутбук Lenovo ThinkPad T14, серийный № PF3X9K2",
     "г. Алматы, ул. Толе би, 55, кв. 12", "Протокол обыска от {day}", 60, ["laptop-photos.txt"], None),
    ("d.seitkali", "kz_case", "digital_copy", "Копия переписки в Telegram (экспорт)",
     "г. Астана, ДП г. Астаны", "Протокол осмотра от {day}", 30, ["telegram-export.csv"], None),
    ("s.ivanova", "by_case", "document", "Выписка ОАО «Беларусбанк» по картам потерпевших",
     "г. Минск, ОАО «АСБ Беларусбанк»", "Постановление о выемке от {day}", 70, ["belarusbank-statement.csv"],
     None),
    ("s.ivanova", "by_case", "statement", "Протокол допроса потерпевшего Козлова Д.Н.",
     "г. Гомель, УСК по Гомельской области", "Протокол допроса от {day}", 65, ["interview-kozlov.txt"], None),
    ("i.petrov", "by_case", "digital_copy", "Образ диска сервера фишингового сайта (хостинг в Минске)",
     "г. Минск, ул. Кальварийская, 25, ЦОД", "Протокол выемки от {day}", 45, ["phishing-server.E01"], None),
    ("i.petrov", "by_case", "digital_copy", "Образ памяти iPhone 13 задержанного Л.",
     "г. Минск, ИВС ГУВД", "Протокол личного обыска от {day}", 35, ["iphone13.E01"], None),
    ("s.ivanova", "by_case", "document", "Журналы доступа провайдера к IP-адресам фишингового сайта",
     "г. Минск, РУП «Белтелеком»", "Запрос № 12/4-88 от {day}", 25, ["provider-logs.csv"], None),
    ("i.petrov", "by_case", "object", "Банковские карты (7 шт.), изъятые у задержанного Л.",
     "г. Минск, ИВС ГУВД", "Протокол личного обыска от {day}", 35, [], None),
]


def _demo_file(name: str) -> bytes:
    """A few KB of deterministic text or CSV standing in for the real file."""
    if name.endswith(".csv"):
        rows = ["date;account;amount;counterparty"] + [
            f"2025-0{1 + n % 9}-{1 + n % 28:02d};KZ{(n * 7919) % 10**10:010d};{(n * 3571) % 100000}.00;"
            f"card ****{n % 10000:04d}" for n in range(120)]
        return ("\n".join(rows) + "\n").encode()
    return "\n".join(f"{name} — демонстрационные данные, строка {n}" for n in range(80)).encode()


def _load_evidence(people: dict[str, User], by_case, kz_case, working) -> None:
    """A dozen items of both teams with small files and a custody history: examinations, seals, a
    cross-border transfer under the instruction to examine the server (KZ → the Belarusian head),
    one item with use conditions and the consent on file, one with use conditions and none."""
    now = utcnow()
    case_of = {"by_case": by_case, "kz_case": kz_case}
    items = []
    for who, case, kind, title, place, under, days_ago, names, conditions in DEMO_EVIDENCE:
        obtained = datetime.combine(now.date() - timedelta(days=days_ago), datetime.min.time(), UTC) + timedelta(
            hours=7)
        item = evidence.register(people[who], by_case.group_id, case_id=case_of[case].id, title=title, kind=kind,
                                 obtained_at=obtained, obtained_place=place,
                                 obtained_under=under.format(day=obtained.date().isoformat()),
                                 description=f"{title.rstrip('.')}. Изъято: {place}.", use_conditions=conditions)
        for name in names:
            evidence.attach_file(people[who], item.id, filename=name, stream=io.BytesIO(_demo_file(name)),
                                 place=place)
        items.append(item)
    seitkali, nurlanov, petrov = people["d.seitkali"], people["a.nurlanov"], people["i.petrov"]
    phone, server, bank = items[0], items[1], items[2]
    evidence.record_event(seitkali, phone.id, event_type="examined", place="г. Алматы, ДП, каб. 212",
                          note_text="Осмотр образа: извлечены чаты и контакты")
    evidence.verify_files(seitkali, phone.id, place="г. Алматы, ДП, каб. 212")
    evidence.record_event(seitkali, phone.id, event_type="sealed", place="г. Алматы, ДП",
                          note_text="Носитель с образом упакован и опечатан печатью № 14")
    evidence.record_consent(nurlanov, server.id, reference="Письмо МВД РК № 3-1/2211",
                            dated=now.date() - timedelta(days=20),
                            scope="Согласие на использование в уголовном деле Республики Беларусь № 20251640012")
    evidence.record_event(seitkali, server.id, event_type="transferred", to_user_id=nurlanov.id,
                          place="г. Алматы, ДП", note_text="Передан руководителю национальной группы")
    evidence.record_event(nurlanov, server.id, event_type="transferred", to_user_id=petrov.id,
                          instruction_id=working.id, place="г. Астана → г. Минск, фельдъегерская связь",
                          note_text="Передан для осмотра по поручению")
    evidence.record_event(petrov, server.id, event_type="examined", place="г. Минск, СК, каб. 518",
                          note_text="Осмотр образа диска сервера по поручению")
    evidence.designate_consent_recorder(nurlanov, bank.id, user_id=seitkali.id)  # KZ's consent still to come
    evidence.record_event(nurlanov, bank.id, event_type="examined", place="г. Алматы, ДП",
                          note_text="Анализ движения средств")
    evidence.record_event(nurlanov, bank.id, event_type="correction", refers_to=1, place="г. Алматы, ДП",
                          note_text="Уточнение: выемка произведена в головном офисе банка")
    evidence.record_event(people["s.ivanova"], items[6].id, event_type="transferred", to_user_id=petrov.id,
                          place="г. Минск, СК", note_text="Передана для приобщения к делу")
    evidence.record_event(petrov, items[11].id, event_type="returned", place="г. Минск, СК",
                          note_text="Возвращены владельцу по постановлению")
    _load_identifiers(people, by_case, kz_case, phone)


def _load_identifiers(people: dict[str, User], by_case, kz_case, phone_image) -> None:
    """What ties Minsk to Almaty: a Kazakh card the Belarusian victims paid to, seen in both cases; the
    organiser's phone, typed in Belarus as 8 029 ... and found in the Kazakh phone image; a TRON wallet."""
    petrov, nurlanov, seitkali = people["i.petrov"], people["a.nurlanov"], people["d.seitkali"]
    gid = by_case.group_id
    identifiers.record_identifier(nurlanov, gid, kind="payment_card", value="4400 4301 8000 0009",
                                  case_id=kz_case.id, obtained_under="Ответ АО «Банк» № 12/455",
                                  note="Карта дропа, обналичивание в Алматы", shareable=True)
    identifiers.record_identifier(petrov, gid, kind="payment_card", value="4400430180000009", case_id=by_case.id,
                                  obtained_under="Протокол допроса потерпевшего", shareable=True)
    identifiers.record_identifier(petrov, gid, kind="phone", value="8 029 123 45 67", case_id=by_case.id,
                                  obtained_under="Протокол допроса потерпевшего", note="Звонил от имени банка",
                                  shareable=True)
    identifiers.record_identifier(seitkali, gid, kind="phone", value="+375 29 123-45-67", evidence_id=phone_image.id,
                                  obtained_under="Протокол осмотра образа", shareable=False)
    identifiers.record_identifier(nurlanov, gid, kind="crypto_wallet", value="TJRabPrwbZy45sbavfcjinPJC18kjpRTv8",
                                  case_id=kz_case.id, obtained_under="Ответ биржи № 77", shareable=False)
