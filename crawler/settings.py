"""Scrapy settings for the crawler.

Politeness defaults come from `crawler.config.Politeness` and the project's own ``JEN_*`` settings from
`crawler.defaults`, each written down once there; ``jen crawl`` and ``jen run`` override them from the YAML
configuration (see `crawler.runner.scrapy_settings`).
"""

from crawler.config import Politeness
from crawler.defaults import scrapy_defaults

_polite = Politeness()
globals().update(scrapy_defaults())  # JEN_BASE_URL, JEN_REDIS_URL, ...: see crawler/defaults.py

BOT_NAME = "jen"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: robots.txt obeyed, AutoThrottle on, a user agent that names the project.
USER_AGENT = _polite.user_agent
ROBOTSTXT_OBEY = _polite.obey_robots
AUTOTHROTTLE_ENABLED = _polite.autothrottle
AUTOTHROTTLE_START_DELAY = _polite.download_delay
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = _polite.download_delay
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = _polite.concurrent_requests_per_domain
DOWNLOAD_TIMEOUT = _polite.download_timeout
# Bounded memory: a page larger than this is cancelled and recorded as too_large.
DOWNLOAD_MAXSIZE = _polite.download_maxsize
DOWNLOAD_WARNSIZE = _polite.download_maxsize // 4

# Retries: transient server errors and network failures, a bounded number of times.
RETRY_ENABLED = True
RETRY_TIMES = _polite.retry_times
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5

COOKIES_ENABLED = False
# No listening sockets in a crawl: the telnet console and the remote-control HTTP endpoint both run code sent
# to them (crawler.runner also locks them off above the command line).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100) and Scrapy's offsite check (50), so a refused URL is never even asked about.
    "crawler.middlewares.SafetyMiddleware": 40,
    "crawler.middlewares.RetryAfterMiddleware": 560,  # its responses are seen before RetryMiddleware (550)
}
SPIDER_MIDDLEWARES = {
    # The lease of a page is held while the callback's output is filtered (960 is closer to the spider) and
    # until each request it yields is queued: outermost (10), so no middleware drops one it has counted
    # (Depth, UrlLength).
    "crawler.queues.LeaseKeeper": 10,
    "crawler.middlewares.SkipStoredMiddleware": 960,
}

# Clean (300), flag copies (500), store (800); each raises NotConfigured when it has nothing to do.
ITEM_PIPELINES = {
    "crawler.pipelines.CleanPipeline": 300,
    "crawler.pipelines.DedupePipeline": 500,
    "crawler.pipelines.StorePipeline": 800,
}

EXTENSIONS = {
    "crawler.extensions.CrawlRun": 500,
    "crawler.extensions.ProgressLine": 510,
}

# scrapy-redis (scheduler, dupefilter, start URLs) takes the process's shared client, and its retry policy,
# from our connection factory; `crawler.runner.redis_queue_settings` switches the Redis scheduler on.
REDIS_PARAMS = {"redis_cls": "crawler.redisconn.ScrapyRedisClients"}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
