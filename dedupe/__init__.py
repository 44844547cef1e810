"""Syndicated-copy detection with MinHash: pure logic plus a Redis-backed index.

This package never imports scrapy or the crawler; its Redis index is handed a client.
"""
