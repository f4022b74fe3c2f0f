"""Products and product lines through the CRM file imports: the public sample's products file,
aliases, every refusal with its line, updates, permissions (reference data), the API, the web page,
the round trip, and deals that name products not here yet."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kamkit.accounts import importers
from kamkit.accounts.importers import ImportOptions, import_file
from kamkit.accounts.models import Account, Deal, Product, ProductLine
from kamkit.accounts.tests.test_importers import _mapping_post, _upload, csv_bytes, refused, xlsx_bytes
from kamkit.core.choices import ImportStatus
from kamkit.core.models import ImportRun
from kamkit.users import services as user_services
from kamkit.users.tests.fixtures import Org, signed_in

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
SAMPLE_PRODUCTS = DATA / "products.csv"  # product, series, sales_price: 7 products in 3 series
ApiAs = Callable[[Any], Any]


def catalogue() -> list[tuple[str, str, Decimal | None]]:
    return list(Product.objects.order_by("name").values_list("name", "line__name", "list_price"))


def test_the_sample_products_file_loads_with_its_lines_and_again_changes_nothing() -> None:
    # given the CRM sample's products.csv (product, series, sales_price): no column named our way
    result = import_file("products", SAMPLE_PRODUCTS)
    # then every product is in the line its series names, with its price
    assert (result.created, result.updated, result.unchanged) == (7, 0, 0)
    assert result.also_created == ["3 product lines ('GTX', 'MG', 'GTK')"]
    assert "also created: 3 product lines" in result.summary()
    assert sorted(ProductLine.objects.values_list("name", flat=True)) == ["GTK", "GTX", "MG"]
    assert ("GTX Pro", "GTX", Decimal("4821.00")) in catalogue()
    assert ("GTK 500", "GTK", Decimal("26768.00")) in catalogue()
    run = ImportRun.objects.get(kind="products")
    assert (run.status, run.created_count, run.row_count) == (ImportStatus.DONE, 7, 7)
    # and a second import of the same file changes nothing
    again = import_file("products", SAMPLE_PRODUCTS)
    assert (again.created, again.updated, again.unchanged, again.also_created) == (0, 0, 7, [])


def test_products_are_found_without_case_or_spaces_and_updated_from_the_file() -> None:
    line = ProductLine.objects.create(name="Legacy")
    Product.objects.create(name="GTXPro", line=line, list_price=Decimal(1))
    data = xlsx_bytes(
        [
            ["Product Name", "Product Family", "Unit Price"],
            ["GTX Pro", "gtx", "4821.499"],
            ["MG Mini", "MG", ""],
        ]
    )
    result = import_file("products", data, filename="catalogue.xlsx")
    assert (result.created, result.updated) == (1, 1)
    assert catalogue() == [("GTX Pro", "gtx", Decimal("4821.50")), ("MG Mini", "MG", None)]
    assert Product.objects.filter(line=line).count() == 0  # moved to its new line


def test_a_bad_products_file_is_refused_whole_with_each_line() -> None:
    ProductLine.objects.create(name="Stored line")
    rows = [
        ["Product", "Series", "Price"],
        ["GTX Pro", "GTX", "10"],
        ["GTXPro", "GTX", "11"],  # the same product, spelt as deals files do
        ["MG Cheap", "MG", "-5"],
        ["No Line", "", "1"],
        ["X" * 101, "GTX", "1"],
        ["Priceless", "GTX", "a lot"],
        ["", "GTX", "1"],
    ]
    exc = refused("products", csv_bytes(rows))
    assert exc.report().splitlines() == [
        "line 3, Product: 'GTXPro' is also on line 2; a product is listed once",
        "line 4, Price: cannot be negative",
        "line 5, Series: a value is required",
        "line 6, Product: is 101 characters long; at most 100 fit",
        "line 7, Price: 'a lot' is not a number",
        "line 8, Product: a value is required",
    ]
    assert exc.detail == "6 rows of 7 have errors; nothing was imported."
    assert not Product.objects.exists() and ProductLine.objects.count() == 1
    assert ImportRun.objects.get().status == ImportStatus.REFUSED


def test_a_products_file_without_its_columns_is_refused_at_the_header() -> None:
    exc = refused("products", csv_bytes([["Colour", "Size"], ["Red", "L"]]))
    assert "Product Name" in exc.report() and "Product Line" in exc.report()
    assert not Product.objects.exists()


def test_products_are_imported_by_directors_and_admins_only(org: Org, api_as: ApiAs) -> None:
    # an account manager: refused by the importer (the command line has no user: it may)
    exc = refused("products", SAMPLE_PRODUCTS.read_bytes(), actor=org.kam_a)
    assert exc.report() == "line 1: products are kept by directors and admins"
    assert not Product.objects.exists()
    # and by the API, with a 403 before the file is read
    with SAMPLE_PRODUCTS.open("rb") as handle:
        assert api_as(org.kam_a).upload("/imports/products", {"file": handle}).status_code == 403
    with SAMPLE_PRODUCTS.open("rb") as handle:
        done = api_as(org.director).upload("/imports/products", {"file": handle})
    assert done.status_code == 201, done.content
    body = done.json()
    assert (body["kind"], body["created"], body["also_created"]) == (
        "products",
        7,
        ["3 product lines ('GTX', 'MG', 'GTK')"],
    )
    # everyone may export them, with the columns the import reads
    token = user_services.create_token(user=org.kam_a, name="export").key
    exported = Client().get(
        "/api/v1/exports/products?format=csv", headers={"Authorization": f"Bearer {token}"}
    )
    assert exported.status_code == 200
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[:3] == [
        "Product Name,Product Line,List Price",
        "GTK 500,GTK,26768.00",
        "GTX Basic,GTX,550.00",
    ]


def test_the_products_export_imports_again_unchanged(tmp_path: Path) -> None:
    import_file("products", SAMPLE_PRODUCTS)
    for format in ("csv", "xlsx"):
        target = tmp_path / f"products.{format}"
        assert importers.export_products(Product.objects.all(), target, format) == 7  # type: ignore[arg-type]
        again = import_file("products", target, dry_run=True)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_the_web_import_takes_products_from_a_director_and_not_from_an_account_manager(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    kam = signed_in(org.kam_a)
    with SAMPLE_PRODUCTS.open("rb") as handle:
        refused_page = kam.post("/accounts/import/", {"kind": "products", "file": handle})
    assert refused_page.status_code == 200
    assert "Products are kept by directors and admins" in refused_page.content.decode()
    client = signed_in(org.director)
    mapping_url = _upload(client, "products", SAMPLE_PRODUCTS)
    assert kam.get(mapping_url).status_code == 404  # an upload belongs to its session
    page = client.get(mapping_url)
    html = page.content.decode()
    assert page.status_code == 200 and "Import products from products.csv" in html
    assert '<option value="series" selected>series</option>' in html  # Product Line, by its alias
    assert "unknown_owner" not in page.context["form"].fields
    with django_capture_on_commit_callbacks(execute=True):  # the queued import runs once committed
        done = client.post(mapping_url, _mapping_post(page, action="import"))
    assert done.status_code == 302
    assert Product.objects.count() == 7


# Deals that name products that are not here -----------------------------------------------------------

DEALS = [
    ["Opportunity ID", "Account Name", "Product", "Stage", "Amount", "Close Date"],
    ["D1", "Cancity", "GTX Pro", "Won", "100", "2026-03-01"],
    ["D2", "Cancity", "GTX Ultra", "Won", "200", "2026-03-02"],
    ["D3", "Cancity", "GTXUltra", "Prospecting", "300", ""],
    ["D4", "Cancity", "", "Prospecting", "50", ""],
]


@pytest.fixture
def cancity() -> Account:
    import_file("products", SAMPLE_PRODUCTS)
    return Account.objects.create(name="Cancity")


def test_a_deal_naming_an_unknown_product_says_which_and_how_to_go_on(cancity: Account) -> None:
    exc = refused("deals", csv_bytes(DEALS))
    lines = exc.report().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 3, Product", "line 4, Product"]
    assert lines[0].startswith("line 3, Product: no product 'GTX Ultra' (known: GTK 500, GTX Basic")
    assert "import the products first ('kamkit import products FILE' or the import page)" in lines[0]
    assert "--create-missing-products" in lines[0]
    assert lines[1].startswith("line 4, Product: no product 'GTXUltra' (known:")
    assert not Deal.objects.exists()


def test_a_deals_import_creates_missing_products_on_request(cancity: Account) -> None:
    options = ImportOptions(create_missing_products=True)
    dry = import_file("deals", csv_bytes(DEALS), options=options, dry_run=True)
    assert (dry.created, dry.also_created) == (4, ["1 product ('GTX Ultra') in the line 'Other'"])
    assert "also would be created: 1 product" in dry.summary()
    assert not Product.objects.filter(name="GTX Ultra").exists() and not Deal.objects.exists()
    # when it is imported for real, "GTX Ultra" and "GTXUltra" are one new product, in the line Other
    done = import_file("deals", csv_bytes(DEALS), options=options)
    assert done.created == 4
    ultra = Product.objects.get(name="GTX Ultra")
    assert ultra.line.name == "Other" and ultra.list_price is None
    assert dict(Deal.objects.values_list("external_id", "product__name")) == {
        "D1": "GTX Pro",
        "D2": "GTX Ultra",
        "D3": "GTX Ultra",
        "D4": None,
    }
    # and once here, the next import finds it
    again = import_file("deals", csv_bytes(DEALS))
    assert (again.unchanged, again.also_created) == (4, [])


def test_the_deals_page_and_api_offer_to_create_missing_products(
    org: Org, cancity: Account, api_as: ApiAs
) -> None:
    data = io.BytesIO(csv_bytes(DEALS))
    data.name = "deals.csv"
    answer = api_as(org.admin).upload("/imports/deals", {"file": data}, create_missing_products="true")
    assert answer.status_code == 201, answer.content
    assert answer.json()["also_created"] == ["1 product ('GTX Ultra') in the line 'Other'"]
    assert Product.objects.filter(name="GTX Ultra", line__name="Other").exists()


def test_an_account_manager_may_not_create_products_through_a_deals_import(org: Org, api_as: ApiAs) -> None:
    """Products are reference data: 'create the missing ones' is refused per row to those who may
    not add products, as a products file is, while their deals naming known products still load."""
    import_file("products", SAMPLE_PRODUCTS)
    Account.objects.create(name="Cancity", owner=org.kam_a)
    options = ImportOptions(create_missing_products=True)
    exc = refused("deals", csv_bytes(DEALS), options=options, actor=org.kam_a)
    lines = exc.report().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 3, Product", "line 4, Product"]
    assert "products are kept by directors and admins" in lines[0]
    data = io.BytesIO(csv_bytes(DEALS))
    data.name = "deals.csv"
    answer = api_as(org.kam_a).upload("/imports/deals", {"file": data}, create_missing_products="true")
    assert answer.status_code == 400
    assert not Product.objects.filter(name="GTX Ultra").exists() and not Deal.objects.exists()
    known_only = csv_bytes([row for row in DEALS if row[2] not in ("GTX Ultra", "GTXUltra")])
    assert import_file("deals", known_only, options=options, actor=org.kam_a).created == 2
