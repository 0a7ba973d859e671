"""publish.render.epub"""
