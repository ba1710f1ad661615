"""Counter-kiosk benchmark, part 2: one simulated kiosk browser speaking HTTP to the server.

It does what the kiosk page does in a browser (htmx requests carry HX-Request and the CSRF
header): the enrolled browser's cookie, PIN sign-in, opening the shift with a counted float,
then sales. One sale is the kiosk's real flow:

1. POST /kiosk/cart/add  (ticket book)          -- timed as add-to-cart
2. POST /kiosk/cart/add  (taxi scrip)           -- timed as add-to-cart
3. GET  /kiosk/tender/cash                      -- the cash dialog, carries the idempotency key
4. POST /kiosk/pay/cash  (tendered $40.00)      -- timed as complete-sale (commit, drawer kick,
                                                   receipt print on the simulator, display)
5. GET  /kiosk/sale/{id}                        -- the done screen (change due, receipt status)
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from benchmarks.http_client import HttpClient, Reply
from benchmarks.sales_setup import PIN, Kiosk

HX = {"HX-Request": "true"}
KIOSK_COOKIE = "faredesk_kiosk"
CSRF_COOKIE = "faredesk_csrf"
KEY_RE = re.compile(r'name="idempotency_key" value="([0-9a-f]+)"')
SALE_RE = re.compile(r"/kiosk/sale/(\d+)")


class FlowBroken(AssertionError):
    """The server answered something the kiosk flow does not expect."""


@dataclass
class Timings:
    cart_add_ms: list[float] = field(default_factory=list)
    sale_ms: list[float] = field(default_factory=list)
    flow_ms: list[float] = field(default_factory=list)
    sale_ids: list[int] = field(default_factory=list)


class KioskClient:
    def __init__(self, base_url: str, kiosk: Kiosk, products: dict[str, int]) -> None:
        self.kiosk = kiosk
        self.products = [products["TB-10"], products["TAXI-SCRIP"]]
        self.client = HttpClient(base_url, timeout=30.0)
        self.client.cookies[KIOSK_COOKIE] = kiosk.token

    async def close(self) -> None:
        await self.client.close()

    def _headers(self, htmx: bool = True) -> dict[str, str]:
        headers = {"x-csrftoken": self.client.cookies.get(CSRF_COOKIE) or ""}
        if htmx:
            headers.update(HX)
        return headers

    async def _post(self, url: str, data: dict[str, str], *, htmx: bool = True) -> Reply:
        return await self.client.post(url, data=data, headers=self._headers(htmx))

    async def start(self) -> None:
        """Sign the clerk in with the PIN and open the shift ($100 float in $20 bills)."""
        first = await self.client.get("/kiosk")
        if first.status_code != 200 or not self.client.cookies.get(CSRF_COOKIE):
            raise FlowBroken(f"{self.kiosk.code}: /kiosk {first.status_code} {first.text[:300]}")
        signed = await self._post("/kiosk/sign-in", {"login": self.kiosk.clerk_login, "pin": PIN},
                                  htmx=False)
        if signed.status_code != 303:
            raise FlowBroken(f"{self.kiosk.code}: sign-in {signed.status_code} {signed.text[:300]}")
        opened = await self._post("/kiosk/shift/open", {"d2000": "5"}, htmx=False)
        if opened.status_code != 303:
            raise FlowBroken(f"{self.kiosk.code}: shift open {opened.status_code} "
                             f"{opened.text[:300]}")
        counter = await self.client.get("/kiosk")
        if counter.status_code != 200 or "Cart is empty" not in counter.text:
            raise FlowBroken(f"{self.kiosk.code}: counter screen {counter.status_code} "
                             f"{counter.text[:300]}")

    async def sale(self, timings: Timings | None) -> int:
        """One customer: two products, pay $40 cash on $35, see the done screen."""
        flow_started = time.perf_counter()
        adds = []
        for product_id in self.products:
            t0 = time.perf_counter()
            added = await self._post("/kiosk/cart/add", {"product_id": str(product_id)})
            adds.append((time.perf_counter() - t0) * 1000)
            if added.status_code != 200 or "hx-retarget" in added.headers:
                raise FlowBroken(f"{self.kiosk.code}: add {added.status_code} {added.text[:300]}")
        if "$35.00" not in added.text:
            raise FlowBroken(f"{self.kiosk.code}: cart total is not $35.00: {added.text[:500]}")
        dialog = await self.client.get("/kiosk/tender/cash", headers=self._headers())
        key = KEY_RE.search(dialog.text)
        if dialog.status_code != 200 or key is None:
            raise FlowBroken(f"{self.kiosk.code}: cash dialog {dialog.status_code} "
                             f"{dialog.text[:300]}")
        t0 = time.perf_counter()
        paid = await self._post("/kiosk/pay/cash", {"idempotency_key": key.group(1),
                                                    "tendered": "40.00"})
        sale_ms = (time.perf_counter() - t0) * 1000
        target = SALE_RE.search(paid.headers.get("hx-redirect", ""))
        if paid.status_code != 200 or target is None:
            raise FlowBroken(f"{self.kiosk.code}: pay {paid.status_code} {dict(paid.headers)} "
                             f"{paid.text[:300]}")
        done = await self.client.get(target.group(0))
        if done.status_code != 200 or "$5.00" not in done.text:
            raise FlowBroken(f"{self.kiosk.code}: done screen {done.status_code} {done.text[:300]}")
        sale_id = int(target.group(1))
        if timings is not None:
            timings.cart_add_ms.extend(adds)
            timings.sale_ms.append(sale_ms)
            timings.flow_ms.append((time.perf_counter() - flow_started) * 1000)
            timings.sale_ids.append(sale_id)
        return sale_id
