"""Prometheus metrics: request latency by endpoint (prometheus-flask-exporter) and what the database holds
now (queue lengths, outbox backlog), read at scrape time so that every node reports the same figures.

Under gunicorn each worker process counts its own requests; with PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py
sets it) prometheus_client writes them to files there and a scrape of any worker adds them all up.
"""
import os

from flask import Flask
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.matching.models import QueueEntry
from aidcoord.matching.queue import priority_band
from aidcoord.notifications.models import MessageState, OutboxMessage
from aidcoord.worker.models import Job

REQUEST_METRICS = "aidcoord_request_metrics"


def init_metrics(app: Flask) -> None:
    """Time every request by endpoint; the app's own registry, so that several apps in one process
    (the tests) do not register the same series twice."""
    app.extensions[REQUEST_METRICS] = PrometheusMetrics(
        app, path=None, registry=CollectorRegistry(auto_describe=True), group_by="endpoint",
        defaults_prefix="aidcoord", default_labels={})


class DatabaseFigures:
    """A collector that reads its gauges from the database when scraped (inside the app context)."""

    def collect(self):
        queue = GaugeMetricFamily("aidcoord_queue_entries", "Queue entries by kind, state and priority band",
                                  labels=["kind", "state", "band"])
        band = priority_band(QueueEntry.priority)
        for kind, state, band_name, count in db.session.execute(
                select(QueueEntry.kind, QueueEntry.state, band, func.count())
                .group_by(QueueEntry.kind, QueueEntry.state, band)):
            queue.add_metric([kind.value, state.value, band_name], count)
        yield queue

        outbox = GaugeMetricFamily("aidcoord_outbox_messages", "Outbox messages by channel and state",
                                   labels=["channel", "state"])
        for channel, state, count in db.session.execute(
                select(OutboxMessage.channel, OutboxMessage.state, func.count())
                .group_by(OutboxMessage.channel, OutboxMessage.state)):
            outbox.add_metric([channel.value, state.value], count)
        yield outbox
        waiting = OutboxMessage.state.in_((MessageState.QUEUED, MessageState.SENDING))
        backlog, failing = db.session.execute(select(
            func.count().filter(waiting), func.count().filter(waiting, OutboxMessage.attempts > 0))).one()
        yield GaugeMetricFamily("aidcoord_outbox_backlog", "Messages waiting to be sent", value=backlog)
        yield GaugeMetricFamily("aidcoord_outbox_failing", "Waiting messages that failed at least once",
                                value=failing)

        jobs = GaugeMetricFamily("aidcoord_background_jobs", "Background jobs (imports, batch runs, bot replies) "
                                 "by kind and state", labels=["kind", "state"])
        for kind, state, count in db.session.execute(
                select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)):
            jobs.add_metric([kind, state.value], count)
        yield jobs


def exposition(app: Flask) -> bytes:
    """The text a Prometheus scrape reads: request series (of all workers when multiprocess) and the
    database's figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        MultiProcessCollector(requests)
    else:
        requests = app.extensions[REQUEST_METRICS].registry
    figures = CollectorRegistry(auto_describe=False)
    figures.register(DatabaseFigures())
    return generate_latest(requests) + generate_latest(figures)
