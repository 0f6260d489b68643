"""Named figures (数据): a report's own figures for its prose, each with its unit, decimals and qualifier."""
