"""Just Earth News crawler: spiders, cleaner, pipelines, the replica site and the service."""
