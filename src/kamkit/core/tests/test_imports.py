"""The import engine: reading CSV/XLSX, finding columns by their CRM names, parsing and reporting."""

from __future__ import annotations

import gc
import io
import pickle
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from kamkit.core import imports
from kamkit.core.imports import (
    Column,
    ImportRefused,
    RowError,
    Table,
    choice_parser,
    map_columns,
    normalise_header,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_optional_text,
    parse_rows,
    parse_text,
    read_table,
)

DATA = Path(__file__).parent / "data"

ACCOUNT_COLUMNS = [
    Column("name", "Account name", ("Account", "Company name"), required=True),
    Column(
        "parent", "Parent account", ("Parent Account", "Subsidiary of", "Parent company"), parse_optional_text
    ),
    Column("revenue", "Annual revenue", ("Revenue",), parse_decimal),
    Column("city", "City", ("Billing City", "Office location"), parse_optional_text),
    Column("owner", "Owner", ("Account Owner", "Company owner"), parse_optional_text),
]

PRODUCTS = {
    name: name
    for name in (
        "GTX Basic",
        "GTX Pro",
        "MG Special",
        "MG Advanced",
        "GTX Plus Pro",
        "GTX Plus Basic",
        "GTK 500",
    )
}
DEAL_COLUMNS = [
    Column("opportunity_id", "Opportunity ID", ("Opportunity",), required=True),
    Column("owner", "Sales agent", ("Opportunity Owner",), required=True),
    Column("product", "Product", (), choice_parser(PRODUCTS)),
    Column("account", "Account", ("Account Name",), parse_optional_text),
    Column(
        "stage",
        "Deal stage",
        ("Stage",),
        choice_parser({"Prospecting": "prospecting", "Engaging": "engaging", "Won": "won", "Lost": "lost"}),
        required=True,
    ),
    Column("engaged_on", "Engage date", (), parse_date),
    Column("closed_on", "Close date", (), parse_date),
    Column("value", "Close value", ("Amount",), parse_decimal),
]


def csv_table(text: str, encoding: str = "utf-8") -> Table:
    return read_table(text.encode(encoding), filename="upload.csv")


def parse_all(table: Table, columns: list[Column], **options: Any) -> imports.ParsedRows:
    return parse_rows(table, map_columns(table.headers, columns), columns, **options)


def refusal(call: Any, *args: Any, **kwargs: Any) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        call(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------------------------------------
# Finding columns


def test_normalise_header_ignores_case_spaces_underscores_dashes_and_dots() -> None:
    assert normalise_header(" Account_Name ") == "accountname"
    assert normalise_header("account-name.") == "accountname"
    assert normalise_header("ACCOUNT NAME") == normalise_header("account_name")
    assert normalise_header("Close Value") != normalise_header("Close Date")


@pytest.mark.parametrize(
    "headers",
    [
        ["Account Name", "Parent Account", "Annual Revenue", "Billing City", "Account Owner"],  # Salesforce
        ["Company name", "Parent company", "Annual Revenue", "City", "Company owner"],  # HubSpot
        ["account", "subsidiary_of", "revenue", "office_location", "owner"],  # snake_case sample
    ],
    ids=["salesforce", "hubspot", "snake_case"],
)
def test_crm_headers_are_found_by_their_aliases(headers: list[str]) -> None:
    # Given the same columns in three CRMs' spellings
    # When they are mapped
    mapping = map_columns(headers, ACCOUNT_COLUMNS)

    # Then every column finds its header and nothing is left over
    assert mapping.indexes == {"name": 0, "parent": 1, "revenue": 2, "city": 3, "owner": 4}
    assert mapping.unmapped == []
    assert mapping.missing == []


def test_keys_and_labels_win_over_another_columns_alias() -> None:
    # Given "Account" is an alias of name, but also the label of another column
    columns = [Column("name", "Name", ("Account",)), Column("account", "Account")]

    # When a file has both "Name" and "Account"
    mapping = map_columns(["Account", "Name"], columns)

    # Then each column takes the header that is its own name
    assert mapping.indexes == {"name": 1, "account": 0}


def test_unknown_headers_are_listed_and_describe_shows_the_preview() -> None:
    # Given a file with an extra column and without the optional owner
    mapping = map_columns(["Account Name", "Revenue", "Notes", ""], ACCOUNT_COLUMNS)

    # Then the extra header is unmapped (not an error) and the preview shows the gaps
    assert mapping.unmapped == ["Notes"]
    assert mapping.missing == []
    assert mapping.describe() == [
        ("Account name", "Account Name"),
        ("Parent account", None),
        ("Annual revenue", "Revenue"),
        ("City", None),
        ("Owner", None),
    ]


def test_overrides_choose_a_header_or_skip_a_column() -> None:
    # Given a person maps "Legal entity" to the name and says not to import the revenue
    headers = ["Legal entity", "Account Name", "Revenue"]

    # When the mapping is made with their choices
    mapping = map_columns(headers, ACCOUNT_COLUMNS, overrides={"name": "legal entity", "revenue": ""})

    # Then their choices win, and the header they passed over is left unmapped
    assert mapping.indexes == {"name": 0}
    assert mapping.unmapped == ["Account Name", "Revenue"]


def test_an_override_naming_a_header_the_file_lacks_is_refused() -> None:
    error = refusal(map_columns, ["Account Name"], ACCOUNT_COLUMNS, {"name": "Company"})

    assert error.status_code == 400
    assert error.row_errors == [RowError(1, "Company", "the file has no header 'Company'")]


def test_an_override_for_an_unknown_column_is_refused() -> None:
    error = refusal(map_columns, ["Account Name"], ACCOUNT_COLUMNS, {"nickname": "Account Name"})

    assert "no column 'nickname'" in error.detail


def test_a_missing_required_column_refuses_the_file_before_reading_rows() -> None:
    # Given a file without any header for the account name, whose rows must not be read
    def rows() -> Iterator[tuple[int, list[str]]]:
        raise AssertionError("rows were read")
        yield  # pragma: no cover

    table = Table(headers=["Revenue", "City"], rows=rows())
    mapping = map_columns(table.headers, ACCOUNT_COLUMNS)
    assert mapping.missing == ["Account name"]

    # When the rows are parsed, Then the file is refused naming the column and its accepted headers
    error = refusal(parse_rows, table, mapping, ACCOUNT_COLUMNS)
    assert error.detail == "The file has no column for 'Account name'; nothing was imported."
    assert error.report() == (
        "line 1: required column 'Account name' not found; "
        "name a header one of: Account name, Account, Company name, name"
    )


# ---------------------------------------------------------------------------------------------
# Parsers


@pytest.mark.parametrize(
    ("parse", "raw", "expected"),
    [
        (parse_text, "  Acme  ", "Acme"),
        (parse_text, "", ""),
        (parse_optional_text, " Acme ", "Acme"),
        (parse_optional_text, "   ", None),
        (parse_int, "12", 12),
        (parse_int, "  12 ", 12),
        (parse_int, "1,234", 1234),
        (parse_int, "12.0", 12),
        (parse_int, "-3", -3),
        (parse_int, "", None),
        (parse_int, "  ", None),
        (parse_decimal, "1100.04", Decimal("1100.04")),
        (parse_decimal, "1,234.50", Decimal("1234.50")),
        (parse_decimal, "$1,234", Decimal("1234")),
        (parse_decimal, "€ 1.234,50", Decimal("1234.50")),
        (parse_decimal, "1234,5", Decimal("1234.5")),
        (parse_decimal, "1 234,50 €", Decimal("1234.50")),
        (parse_decimal, "(123)", Decimal("-123")),
        (parse_decimal, "-0.5", Decimal("-0.5")),
        (parse_decimal, ".5", Decimal("0.5")),
        (parse_decimal, "", None),
        (parse_date, "2017-03-01", date(2017, 3, 1)),
        (parse_date, " 2017-3-1 ", date(2017, 3, 1)),
        (parse_date, "2017/03/01", date(2017, 3, 1)),
        (parse_date, "01.03.2017", date(2017, 3, 1)),
        (parse_date, "31/01/2020", date(2020, 1, 31)),
        (parse_date, "01/31/2020", date(2020, 1, 31)),
        (parse_date, "05/05/2020", date(2020, 5, 5)),
        (parse_date, "2017-03-01 00:00:00", date(2017, 3, 1)),
        (parse_date, "2017-03-01T14:30:00Z", date(2017, 3, 1)),
        (parse_date, "", None),
        (parse_bool, "yes", True),
        (parse_bool, " TRUE ", True),
        (parse_bool, "1", True),
        (parse_bool, "Y", True),
        (parse_bool, "x", True),
        (parse_bool, "no", False),
        (parse_bool, "False", False),
        (parse_bool, "0", False),
        (parse_bool, "n", False),
        (parse_bool, "", None),
    ],
)
def test_parsers_read_good_values(parse: Any, raw: str, expected: object) -> None:
    assert parse(raw) == expected
    assert type(parse(raw)) is type(expected)


@pytest.mark.parametrize(
    ("parse", "raw", "message"),
    [
        (parse_int, "abc", "'abc' is not a whole number"),
        (parse_int, "12.5", "'12.5' is not a whole number"),
        (parse_int, "1e3", "'1e3' is not a whole number"),
        (parse_decimal, "abc", "'abc' is not a number"),
        (parse_decimal, "NaN", "'NaN' is not a number"),
        (parse_decimal, "1.2.3", "'1.2.3' is not a number"),
        (parse_decimal, "1234,567", "'1234,567' is not a number; write decimals with a dot, e.g. 1234.50"),
        (parse_decimal, "$", "'$' is not a number"),
        (parse_date, "soon", "'soon' is not a date; write dates as YYYY-MM-DD"),
        (parse_date, "2020-02-30", "'2020-02-30' is not a valid date"),
        (parse_date, "13/13/2020", "'13/13/2020' is not a valid date"),
        (parse_date, "20200301", "'20200301' is not a date; write dates as YYYY-MM-DD"),
        (
            parse_date,
            "03/04/2020",
            "'03/04/2020' is ambiguous (3 April or 4 March?); write dates as YYYY-MM-DD",
        ),
        (parse_bool, "maybe", "'maybe' is not yes or no (use yes/no, true/false, 1/0 or x)"),
    ],
)
def test_parsers_refuse_bad_values_naming_them(parse: Any, raw: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse(raw)
    assert str(caught.value) == message


def test_a_long_bad_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(ValueError, match=r"^'x{39}…' is not a number$"):
        parse_decimal("x" * 500)


def test_choice_parser_ignores_case_and_spaces_and_lists_the_choices() -> None:
    # Given products and their stored values
    parse = choice_parser({"GTX Pro": "gtx_pro", "MG Special": "mg_special"})

    # Then labels match whatever their case and spacing, stored values are accepted, empty is None
    assert parse("GTX Pro") == "gtx_pro"
    assert parse("GTXPro") == "gtx_pro"
    assert parse("  mg special ") == "mg_special"
    assert parse("gtx_pro") == "gtx_pro"
    assert parse("") is None

    # And anything else is refused with the allowed labels
    with pytest.raises(ValueError) as caught:
        parse("GTX Ultra")
    assert str(caught.value) == "'GTX Ultra' is not one of: GTX Pro, MG Special"


# ---------------------------------------------------------------------------------------------
# Reading files


def test_quoted_multiline_cells_and_crlf_keep_the_line_numbers_people_see() -> None:
    # Given a CRLF file where the second deal's note spans three physical lines
    text = (
        "opportunity_id,note,close_value\r\n"
        "1,plain,10\r\n"
        '2,"first\r\nsecond\r\nthird",abc\r\n'
        '3,"a ""quote""",30\r\n'
    )
    columns = [
        Column("opportunity_id", "ID"),
        Column("note", "Note"),
        Column("value", "Close value", (), parse_int),
    ]

    # When it is read and parsed
    parsed = parse_all(csv_table(text), columns)

    # Then rows keep the line they start on, the note keeps its line breaks, and the error points at line 3
    assert [(row.line, row.values["note"]) for row in parsed.rows] == [(2, "plain"), (6, 'a "quote"')]
    assert parsed.errors == [RowError(3, "close_value", "'abc' is not a whole number")]


def test_cp1252_files_are_read_when_they_are_not_utf8() -> None:
    # Given an export from Excel on Windows, with an accented name and the euro sign
    table = csv_table("Account Name;Annual Revenue\r\nSociété Générale;€ 1.234,50\r\n", encoding="cp1252")

    # Then the text is decoded and the semicolon delimiter found
    parsed = parse_all(table, ACCOUNT_COLUMNS)
    assert [row.values for row in parsed.rows] == [
        {"name": "Société Générale", "revenue": Decimal("1234.50")}
    ]


def test_utf8_with_bom_is_read_without_the_bom_in_the_first_header() -> None:
    table = read_table("\ufeffAccount Name,Revenue\nAcme,5\n".encode(), filename="a.csv")

    assert table.headers == ["Account Name", "Revenue"]


def test_utf16_unicode_text_exports_are_read() -> None:
    # Given Excel's "Unicode text": UTF-16 with a BOM, tab-separated
    data = "Account Name\tCity\r\nZürich AG\tZürich\r\n".encode("utf-16")

    table = read_table(data, filename="export.txt")

    assert list(table.rows) == [(2, ["Zürich AG", "Zürich"])]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    # Given a file whose values contain commas, separated by another delimiter
    text = f"Account Name{delimiter}Annual Revenue\nAcme, Inc.{delimiter}1,234.50\n"

    # When it is read
    table = csv_table(text)

    # Then the delimiter is found and the commas stay in the values
    assert table.headers == ["Account Name", "Annual Revenue"]
    assert list(table.rows) == [(2, ["Acme, Inc.", "1,234.50"])]


def test_empty_rows_are_skipped_and_do_not_shift_line_numbers() -> None:
    # Given blank lines, a row of empty cells, and blank lines before the header
    text = "\n\nAccount Name,Revenue\n\nAcme,1\n,\n \nInitech,x\n"

    # When it is read and parsed
    table = csv_table(text)
    parsed = parse_all(table, ACCOUNT_COLUMNS)

    # Then only the real rows count, with their physical line numbers
    assert table.header_line == 3
    assert [row.line for row in parsed.rows] == [5]
    assert parsed.total_rows == 3  # " " is not empty: it is a row whose name is missing
    assert parsed.errors == [
        RowError(7, "Account Name", "a value is required"),
        RowError(8, "Revenue", "'x' is not a number"),
    ]


def test_a_file_without_a_header_is_refused() -> None:
    assert refusal(csv_table, "").row_errors == [RowError(1, "", "the file is empty")]
    assert refusal(csv_table, "\r\n,,\r\n\r\n").detail == "The file has no header row."


def test_duplicate_headers_are_refused_on_the_header_line() -> None:
    error = refusal(csv_table, "\nAccount Name,Revenue,account_name\n")

    assert error.row_errors == [
        RowError(
            2,
            "account_name",
            "the header 'account_name' appears twice ('Account Name' and 'account_name'); rename one",
        )
    ]
    assert refusal(csv_table, "a,b,a\n").row_errors[0].message == "the header 'a' appears twice; rename one"


def test_an_unclosed_quote_refuses_the_file_where_the_value_starts() -> None:
    table = csv_table('Account Name,Revenue\nAcme,1\n"Initech,2\nGlobex,3\n')

    error = refusal(list, table.rows)

    assert error.row_errors == [
        RowError(
            3, "", 'the file is not valid CSV from here: a quoted value is never closed (a " is missing)'
        )
    ]


def test_rows_with_missing_cells_are_padded_and_extra_values_are_errors() -> None:
    # Given one short row, one with trailing empty cells and one with a stray value
    text = "Account Name,Revenue,City\nAcme\nInitech,2,Paris,,\nGlobex,3,Lyon,oops\n"

    # When parsed
    parsed = parse_all(csv_table(text), ACCOUNT_COLUMNS)

    # Then the first two are fine and the third is a row-level error
    assert [row.values for row in parsed.rows] == [
        {"name": "Acme", "revenue": None, "city": None},
        {"name": "Initech", "revenue": Decimal(2), "city": "Paris"},
    ]
    assert [str(error) for error in parsed.errors] == ["line 4: has 4 values but the header has 3 columns"]


def test_xlsx_is_read_from_its_first_sheet_with_cells_as_text() -> None:
    # Given a workbook built in memory, with typed cells and an empty row
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Account Name", "Annual Revenue", "Employees", "Founded", "Key account", "Updated"])
    sheet.append(["Acme", 1100.04, 2822.0, datetime(1996, 5, 1), True, datetime(2024, 1, 2, 9, 30)])
    sheet.append([])
    sheet.append(["Initech", 0.1 + 0.2, 12, None, False, None])
    workbook.create_sheet("Other").append(["ignored"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    # When it is read without a file name (so by its magic bytes)
    table = read_table(io.BytesIO(buffer.getvalue()))

    # Then cells are text as a CSV export would have them, and the empty row is skipped
    assert table.format == "xlsx"
    assert table.headers == [
        "Account Name",
        "Annual Revenue",
        "Employees",
        "Founded",
        "Key account",
        "Updated",
    ]
    assert list(table.rows) == [
        (2, ["Acme", "1100.04", "2822", "1996-05-01", "true", "2024-01-02 09:30:00"]),
        (4, ["Initech", "0.3", "12", "", "false"]),  # a row ends at its last cell; parse_rows pads it
    ]


def test_xlsx_rows_parse_like_csv_rows() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Since", "Employees"])
    sheet.append(["Acme", datetime(1996, 5, 1), 2822])
    buffer = io.BytesIO()
    workbook.save(buffer)
    columns = [
        Column("name", "Name"),
        Column("since", "Since", (), parse_date),
        Column("size", "Employees", (), parse_int),
    ]

    parsed = parse_all(read_table(buffer.getvalue(), filename="accounts.xlsx"), columns)

    assert [row.values for row in parsed.rows] == [{"name": "Acme", "since": date(1996, 5, 1), "size": 2822}]


def test_files_that_are_not_xlsx_or_old_xls_are_refused() -> None:
    assert (
        "save the sheet as .xlsx or CSV"
        in refusal(read_table, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest").detail
    )
    assert refusal(read_table, b"PK\x03\x04 not really a zip").detail == (
        "The file could not be read as an Excel .xlsx workbook."
    )


def test_a_path_and_a_file_object_are_both_accepted(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"Account Name\r\nAcme\r\n")

    assert list(read_table(path).rows) == [(2, ["Acme"])]
    with path.open("rb") as handle:
        assert read_table(handle).headers == ["Account Name"]


# ---------------------------------------------------------------------------------------------
# Parsing rows and reporting


def test_every_bad_cell_of_a_row_is_reported_and_required_cells_must_hold_something() -> None:
    text = "Account Name,Revenue,City\n  ,lots,Paris\nAcme,5,\n"

    parsed = parse_all(csv_table(text), ACCOUNT_COLUMNS)

    assert parsed.errors == [
        RowError(2, "Account Name", "a value is required"),
        RowError(2, "Revenue", "'lots' is not a number"),
    ]
    assert (parsed.total_rows, parsed.bad_rows, parsed.error_count) == (2, 1, 2)
    assert [row.values for row in parsed.rows] == [{"name": "Acme", "revenue": Decimal(5), "city": None}]


def test_errors_are_capped_at_max_errors_but_all_are_counted() -> None:
    # Given 30 rows with two bad cells each
    text = "Account Name,Revenue\n" + "".join(f",bad{n}\n" for n in range(30))

    # When parsed with a cap of 5
    parsed = parse_all(csv_table(text), ACCOUNT_COLUMNS, max_errors=5)

    # Then five errors are kept, yet every bad row and error is counted
    assert len(parsed.errors) == 5
    assert parsed.errors[:2] == [
        RowError(2, "Account Name", "a value is required"),
        RowError(2, "Revenue", "'bad0' is not a number"),
    ]
    assert (parsed.bad_rows, parsed.error_count) == (30, 60)

    # And the refusal says so
    error = refusal(parsed.raise_if_errors)
    assert error.detail == "30 rows of 30 have errors; nothing was imported."
    assert error.report(limit=2).splitlines() == [
        "line 2, Account Name: a value is required",
        "line 2, Revenue: 'bad0' is not a number",
        "… and 58 more errors",
    ]


def test_import_refused_report_and_api_errors() -> None:
    # Given a refusal for two errors on one line
    error = ImportRefused(
        [RowError(7, "close_value", "'abc' is not a number"), RowError(7, "", "has 9 values")], total_rows=12
    )

    # Then its report has one line per error, and its detail and API body count the bad rows
    assert error.report() == "line 7, close_value: 'abc' is not a number\nline 7: has 9 values"
    assert error.report(limit=1) == "line 7, close_value: 'abc' is not a number\n… and 1 more error"
    assert error.detail == "1 row of 12 has errors; nothing was imported."
    assert error.status_code == 400
    assert error.as_list() == [
        {"field": "", "message": "line 7, close_value: 'abc' is not a number"},
        {"field": "", "message": "line 7: has 9 values"},
    ]


def test_import_refused_survives_pickling_for_task_queues() -> None:
    error = ImportRefused([RowError(3, "Revenue", "'x' is not a number")], total_rows=9)

    copy = pickle.loads(pickle.dumps(error))

    assert (copy.detail, copy.row_errors, copy.total_rows) == (error.detail, error.row_errors, 9)
    assert copy.report() == "line 3, Revenue: 'x' is not a number"


def test_a_clean_file_raises_nothing() -> None:
    parsed = parse_all(csv_table("Account Name\nAcme\n"), ACCOUNT_COLUMNS)

    parsed.raise_if_errors()
    assert parsed.errors == []


def test_many_rows_switch_unique_columns_to_direct_parsing_and_still_check_them() -> None:
    # Given more rows than one batch: unique ids (no longer memoised after the first batch),
    # repeated stages (memoised), and a missing id and a bad amount far down the file
    count = imports._BATCH * 2 + 100
    lines = ["opportunity_id,deal_stage,close_value"]
    for n in range(count):
        ident = "" if n == count - 10 else f"ID{n:07d}"
        value = "n/a" if n == count - 5 else str(n)
        lines.append(f"{ident},{'Won' if n % 2 else 'Lost'},{value}")
    columns = [DEAL_COLUMNS[0], DEAL_COLUMNS[4], DEAL_COLUMNS[7]]

    # When parsed
    parsed = parse_all(csv_table("\n".join(lines)), columns)

    # Then the values are right throughout and both late problems are found
    assert len(parsed.rows) == count - 2
    assert parsed.rows[-1].values == {
        "opportunity_id": f"ID{count - 1:07d}",
        "stage": "won",
        "value": count - 1,
    }
    assert parsed.rows[0].values["stage"] == "lost"
    assert parsed.errors == [
        RowError(count - 10 + 2, "opportunity_id", "a value is required"),
        RowError(count - 5 + 2, "close_value", "'n/a' is not a number"),
    ]


def test_custom_parsers_are_called_for_every_cell() -> None:
    # Given an importer's own parser, which the engine cannot know to be pure
    seen: list[str] = []

    def parse_upper(value: str) -> str:
        seen.append(value)
        return value.upper()

    columns = [Column("code", "Code", (), parse_upper, required=True)]

    # When the same value comes three times and an empty one once
    parsed = parse_all(csv_table("Code,Other\nab,1\nab,2\nab,3\n,4\n"), columns)

    # Then it is called every time (never memoised), and required still applies to it
    assert seen == ["ab", "ab", "ab", "", ""]  # the failed row is parsed again to explain it
    assert [row.values for row in parsed.rows] == [{"code": "AB"}] * 3
    assert parsed.errors == [RowError(5, "Code", "a value is required")]


def test_parsers_marked_pure_are_called_once_per_distinct_value() -> None:
    # Given an importer's own parser, marked pure
    seen: list[str] = []

    @imports.pure_parser
    def parse_lower(value: str) -> str:
        seen.append(value)
        return value.strip().lower()

    columns = [Column("code", "Code", (), parse_lower, required=True)]

    # When the same value comes three times, another once, and an empty one
    parsed = parse_all(csv_table("Code,Other\nAB,1\nAB,2\nCd,3\nAB,4\n,5\n"), columns)

    # Then each distinct value is parsed once (the empty one again to explain the refusal)
    assert seen[:2] == ["AB", "Cd"] and seen.count("AB") == 1
    assert [row.values["code"] for row in parsed.rows] == ["ab", "ab", "cd", "ab"]
    assert parsed.errors == [RowError(6, "Code", "a value is required")]


def test_parse_rows_leaves_the_garbage_collector_as_it_found_it() -> None:
    table = csv_table("Account Name\nAcme\n")
    assert gc.isenabled()

    parse_all(table, ACCOUNT_COLUMNS)

    assert gc.isenabled()


def test_sample_deals_excerpt_parses_with_open_deals_and_the_product_misspelling() -> None:
    # Given an excerpt of the real CRM sample (CRLF, open deals with empty dates and values)
    table = read_table(DATA / "sales_pipeline_excerpt.csv")

    # When the deal columns are mapped and parsed
    mapping = map_columns(table.headers, DEAL_COLUMNS)
    parsed = parse_rows(table, mapping, DEAL_COLUMNS)

    # Then every column is found, every row parses and "GTXPro" is read as "GTX Pro"
    assert mapping.unmapped == []
    assert parsed.errors == []
    assert len(parsed.rows) == 32
    first, second = parsed.rows[0], parsed.rows[1]
    assert first.line == 2
    assert first.values == {
        "opportunity_id": "1C1I7A6R",
        "owner": "Moses Frase",
        "product": "GTX Plus Basic",
        "account": "Cancity",
        "stage": "won",
        "engaged_on": date(2016, 10, 20),
        "closed_on": date(2017, 3, 1),
        "value": Decimal(1054),
    }
    assert second.values["product"] == "GTX Pro"
    open_deal = next(row for row in parsed.rows if row.values["opportunity_id"] == "HAXMC4IX")
    assert (open_deal.line, open_deal.values["account"], open_deal.values["closed_on"]) == (11, None, None)
    assert open_deal.values["value"] is None
    prospect = parsed.rows[-1]
    assert (prospect.line, prospect.values["stage"], prospect.values["engaged_on"]) == (
        33,
        "prospecting",
        None,
    )


def test_sample_accounts_excerpt_maps_snake_case_headers() -> None:
    # Given the sample's accounts, with a year and employee count the importer also wants
    columns = [
        *ACCOUNT_COLUMNS,
        Column("founded", "Year established", (), parse_int),
        Column("employees", "Employees", (), parse_int),
    ]
    table = read_table((DATA / "accounts_excerpt.csv").read_bytes(), filename="accounts.csv")

    # When parsed
    mapping = map_columns(table.headers, columns)
    parsed = parse_rows(table, mapping, columns)

    # Then the sector is shown as unused, and parents and numbers come through
    assert mapping.unmapped == ["sector"]
    assert parsed.errors == []
    bluth = next(row for row in parsed.rows if row.values["name"] == "Bluth Company")
    assert bluth.line == 8
    assert bluth.values == {
        "name": "Bluth Company",
        "parent": "Acme Corporation",
        "revenue": Decimal("1242.32"),
        "city": "United States",
        "founded": 1993,
        "employees": 3027,
    }
    assert mapping.describe()[-3] == ("Owner", None)  # so rows have no "owner" key at all
    assert parsed.rows[0].values["parent"] is None
