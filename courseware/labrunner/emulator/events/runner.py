"""EventBridge's part of the lab backend, started and stopped with it."""

from . import bus, scheduler, ticker
from .delivery import Deliveries


class EventsEmulation:
    def __init__(self, endpoint: str):
        self.deliveries = Deliveries(endpoint)
        self.ticker = ticker.Ticker()

    def start(self) -> None:
        bus.install(self.deliveries)
        ticker.install()
        scheduler.install()
        self.ticker.start()

    def stop(self) -> None:
        self.ticker.stop()
        bus.uninstall(self.deliveries)
        self.deliveries.stop()
