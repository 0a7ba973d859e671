"""The words of spoken records' headers and sections, in English and Japanese.

Header labels name people (``Speaker``, ``Moderator``, ``司会``: a role, recorded in
English, lower case and singular) or a field (``Date``, ``Venue``, ``日時``).  The
body has section words (``Summary``, ``Q&A``, ``講演内容``, ``質疑応答``) and the
labels of questions from the floor (``Q``, ``AUDIENCE MEMBER``, ``質問``).
"""

from __future__ import annotations

import re

#: A label that names people -> the role it gives them.
ROLES = {
    "speaker": "speaker", "speakers": "speaker", "keynote speaker": "keynote speaker",
    "keynote": "keynote speaker", "featured speaker": "featured speaker", "featured speakers": "featured speaker",
    "featuring": "featuring", "presenter": "presenter", "presenters": "presenter", "lecturer": "lecturer",
    "commentator": "commentator", "commentators": "commentator",
    "discussant": "discussant", "discussants": "discussant",
    "panelist": "panelist", "panelists": "panelist", "panellist": "panelist", "panellists": "panelist",
    "moderator": "moderator", "moderators": "moderator", "facilitator": "facilitator",
    "chair": "chair", "chairs": "chair", "chairperson": "chair", "host": "host", "hosts": "host",
    "presider": "presider", "interviewer": "interviewer", "guest": "guest", "guests": "guest",
    "contributors": "contributor", "contributor": "contributor",
    "introduction": "introduction", "welcome": "welcome", "remarks": "remarks",
    "opening remarks": "opening remarks", "closing remarks": "closing remarks",
    "introductory remarks": "introductory remarks", "welcome and introduction": "welcome and introduction",
    "welcoming remarks": "welcoming remarks",
    # Japanese labels, recorded in English
    "講演者": "speaker", "講師": "lecturer", "基調講演": "keynote speaker", "登壇者": "panelist",
    "パネリスト": "panelist", "報告者": "presenter", "発表者": "presenter", "討論者": "discussant",
    "コメンテータ": "commentator", "コメンテーター": "commentator", "モデレータ": "moderator",
    "モデレーター": "moderator", "司会": "moderator", "司会者": "moderator", "座長": "chair", "委員": "member",
    "事務局": "secretariat", "コーディネーター": "coordinator", "コーディネータ": "coordinator",
    "ゲスト": "guest", "開会挨拶": "opening remarks", "閉会挨拶": "closing remarks",
}
#: A label that names a field of the event -> the key it is kept under.
FIELDS = {
    "date": "date", "event date": "date", "recording date": "date", "time": "time", "venue": "venue",
    "location": "venue", "place": "venue", "language": "event_language", "languages": "event_language",
    "organizer": "organizer", "organiser": "organizer", "organizers": "organizer", "organisers": "organizer",
    "co-organizer": "co-organizer", "co-organiser": "co-organizer", "sponsor": "sponsor", "sponsors": "sponsor",
    "format": "format", "series": "series",
    "日時": "date", "日程": "date", "開催日": "date", "時間": "time", "会場": "venue", "場所": "venue",
    "開催場所": "venue", "言語": "event_language", "使用言語": "event_language", "主催": "organizer",
    "共催": "co-organizer", "後援": "sponsor",
}
#: A label that introduces an attendance list (出席者): the rows below name people and their posts.
ATTENDANCE = {"出席者", "出席委員", "参加者", "attendees", "attendance", "participants"}
#: Link labels left over from an event's web page.
BOILERPLATE = {
    "materials", "announcement", "announcements", "download", "downloads", "video", "videos", "photos",
    "handout", "handouts", "slides", "share", "print", "pdf", "event report", "related", "back to top", "top",
    "page top", "配布資料", "開催案内", "資料", "動画", "関連リンク", "ページトップ", "印刷",
}
#: Words that say what kind of document this is; left out as markers.
MARKERS = {"transcript", "event", "memorandum", "participants", "participants:", "proceedings",
           "event transcript", "full transcript", "講演録", "議事録"}
#: How an event was held: kept as its ``format``.
FORMATS = {"webinar", "conference call", "virtual event", "panel discussion", "roundtable", "podcast",
           "hybrid event", "online event", "press briefing", "media call"}

SUMMARY_WORDS = {"summary", "event summary", "presentation", "presentation summary", "summary of remarks",
                 "lecture summary", "講演内容", "講演要旨", "発表内容", "報告内容", "講演概要"}
QA_WORDS = {"q&a", "q & a", "q and a", "questions and answers", "questions & answers",
            "question and answer session", "question and answer", "q&a session", "質疑応答", "質疑",
            "質疑応答・意見交換"}
#: Other section words that stand as headings in Japanese records.
JA_SECTIONS = {"概要", "コメント", "討論", "パネルディスカッション", "議題", "議事概要", "議事要旨", "議事",
               "主な意見", "配布資料一覧", "開会", "閉会", "意見交換", "自由討議", "挨拶"}
#: ``概要`` introducing the abstract: a label, not a heading.
ABSTRACT_LABELS = {"概要", "abstract", "overview"}

#: The label of a question from the floor, perhaps numbered, perhaps naming the asker.
QUESTION = re.compile(
    r"(?P<word>Q|Question|Questioner|Audience Member|Audience|Participant|Floor|質問者?|会場)\s*(?P<num>\d*)"
    r"\s*(?:[(（](?P<who>[^)）]*)[)）])?", re.IGNORECASE)
#: The label of an answer, perhaps naming who gives it.
ANSWER = re.compile(r"(?P<word>A|Answer|回答|答)\s*\d*\s*(?:[(（](?P<who>[^)）]*)[)）])?", re.IGNORECASE)
#: Roles whose holder runs the event: their remarks close an exchange.
CHAIRING = {"moderator", "chair", "presider", "host", "facilitator", "interviewer", "coordinator"}


def key(text: str) -> str:
    """A label or line as looked up in these tables: lower case, spaces collapsed, colon off."""
    return " ".join(text.strip().rstrip(":：").split()).casefold()
